# Scenario 2 (target scope), row 1: LUN reset ok, TUR ok: the target recovers with its LUN reset alone, no host recovery.
# See guest/lib/scenario.sh for the fault injection and the checks.

. /guest/lib/scenario.sh
scenario_row target 1
