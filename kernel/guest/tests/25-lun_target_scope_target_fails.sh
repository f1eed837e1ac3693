# Scenario 3 (LUN then target scope), row 5: LUN reset and target reset fail: LUN, then target recovery fall back to host recovery.
# See guest/lib/scenario.sh for the fault injection and the checks.

. /guest/lib/scenario.sh
scenario_row lun+target 5
