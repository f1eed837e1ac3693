# Scenario 2 (target scope), row 5: LUN reset and target reset fail: target recovery falls back to host recovery, which resolves it.
# See guest/lib/scenario.sh for the fault injection and the checks.

. /guest/lib/scenario.sh
scenario_row target 5
