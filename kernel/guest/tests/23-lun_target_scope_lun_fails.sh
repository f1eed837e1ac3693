# Scenario 3 (LUN then target scope), row 3: LUN reset fails: LUN recovery falls back to target recovery, whose target reset and TUR succeed.
# See guest/lib/scenario.sh for the fault injection and the checks.

. /guest/lib/scenario.sh
scenario_row lun+target 3
