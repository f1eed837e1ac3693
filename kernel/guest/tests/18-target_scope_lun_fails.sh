# Scenario 2 (target scope), row 3: LUN reset fails, target reset ok, TUR ok: the target recovers with its target reset, no host recovery.
# See guest/lib/scenario.sh for the fault injection and the checks.

. /guest/lib/scenario.sh
scenario_row target 3
