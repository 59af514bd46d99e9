#!/usr/bin/env bash
# The autograder container's entrypoint.
#
#   entrypoint.sh [gradescope]              Gradescope: grade $AUTOGRADER_ROOT/submission (a notebook or a
#                                           folder) into $AUTOGRADER_ROOT/results/results.json
#   entrypoint.sh run ASSIGNMENT IN OUT     any platform: grade IN into OUT/results.json (the project's
#                                           result model), OUT/feedback.html and OUT/gradescope.json;
#                                           exit 0 whenever grading ran
#   entrypoint.sh COMMAND...                run COMMAND (e.g. bash, or `autograder grade ...`)
#
# Every path comes from the environment, so the same script serves the image, Gradescope's
# run_autograder and tests that point it at temporary folders:
#   AUTOGRADER_ROOT        Gradescope's folder                    (default /autograder)
#   AUTOGRADER_COURSE      course root with source/ and release/  (default /opt/katas)
#   AUTOGRADER_PYTHON      the interpreter the grader is installed in (default python3 on PATH)
#   AUTOGRADER_ASSIGNMENT  assignment id for Gradescope mode      (default: recognised from the notebooks)
#   AUTOGRADER_LIMITS      sandbox limits, e.g. "cell_timeout_s=300 memory_mb=2048" (default: none)
set -euo pipefail

root="${AUTOGRADER_ROOT:-/autograder}"
course="${AUTOGRADER_COURSE:-/opt/katas}"
python="${AUTOGRADER_PYTHON:-python3}"
assignment="${AUTOGRADER_ASSIGNMENT:-}"

limits=()
for pair in ${AUTOGRADER_LIMITS:-}; do
    limits+=(--limit "$pair")
done

usage() {
    echo "usage: entrypoint.sh [gradescope] | run ASSIGNMENT IN_DIR OUT_DIR | COMMAND..." >&2
    exit 2
}

case "${1:-gradescope}" in
    gradescope)
        [ $# -le 1 ] || usage
        exec "$python" -m autograder.container gradescope --root "$root" --course "$course" \
            ${assignment:+--assignment "$assignment"} ${limits[@]+"${limits[@]}"}
        ;;
    run)
        [ $# -eq 4 ] || usage
        exec "$python" -m autograder.container run --course "$course" ${limits[@]+"${limits[@]}"} "$2" "$3" "$4"
        ;;
    -h|--help)
        sed -n '2,18p' "$0"
        ;;
    *)
        exec "$@"
        ;;
esac
