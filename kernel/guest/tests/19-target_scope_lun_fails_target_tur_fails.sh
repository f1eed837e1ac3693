# Scenario 2 (target scope), row 4: LUN reset fails, target reset ok but TUR fails: target recovery falls back to host recovery, which resolves it.
# See guest/lib/scenario.sh for the fault injection and the checks.

. /guest/lib/scenario.sh
scenario_row target 4
