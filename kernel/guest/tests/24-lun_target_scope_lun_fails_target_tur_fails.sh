# Scenario 3 (LUN then target scope), row 4: LUN reset fails, target reset ok but TUR fails: LUN, then target recovery fall back to host recovery.
# See guest/lib/scenario.sh for the fault injection and the checks.

. /guest/lib/scenario.sh
scenario_row lun+target 4
