# Scenario 3 (LUN then target scope), row 1: LUN reset ok, TUR ok: the LUN recovers on its own; its target never stops.
# See guest/lib/scenario.sh for the fault injection and the checks.

. /guest/lib/scenario.sh
scenario_row lun+target 1
