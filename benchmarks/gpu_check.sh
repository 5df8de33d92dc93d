#!/usr/bin/env bash
# GPU check: the `gpu` tests, then the CuPy-vs-NumPy benchmark table.
#   benchmarks/gpu_check.sh [OUT_DIR] [gpu_check.py options]   (default OUT_DIR:
#   benchmarks/results; defaults: sizes 512 1024 2048, a 10,000-frame memory run;
#   about 4-5 minutes on an H100/H200)
# Needs a CUDA device with CuPy (and torch for the handoff test). If pydantic is
# missing (bare GPU images), wheels in $CAGRAPH_WHEELS (default .whl/) are installed
# into a temporary target first:
#   python3 -m pip download --only-binary=:all: --python-version 3.12 --implementation cp \
#       --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
#       --platform manylinux2014_x86_64 -d .whl pydantic
set -u
cd "$(dirname "$0")/.."
OUT=${1:-benchmarks/results}
PY=${PYTHON:-python3}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1
if ! $PY -c "import pydantic" 2>/dev/null; then
    WHEELS=${CAGRAPH_WHEELS:-.whl}
    if ls "$WHEELS"/*.whl >/dev/null 2>&1; then
        $PY -m pip install -q --no-index --no-deps --no-compile --target /tmp/cagraph-site \
            "$WHEELS"/*.whl && export PYTHONPATH=/tmp/cagraph-site${PYTHONPATH:+:$PYTHONPATH}
    else
        echo "pydantic missing and no wheels in $WHEELS" >&2
    fi
fi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null
T0=$(date +%s)
# each step has a time limit (a hung kernel must not eat a scarce device lease); the
# benchmark rewrites its report after every stage, so a cut-off run still leaves figures
timeout "${CAGRAPH_TESTS_TIMEOUT:-150}" \
    $PY -m pytest -m gpu tests/nodes/test_gpu.py -q -p no:cacheprovider 2>&1 | tee "$OUT/gpu_tests.log"
TEST_RC=${PIPESTATUS[0]}
T1=$(date +%s)
timeout "${CAGRAPH_BENCH_TIMEOUT:-330}" \
    $PY benchmarks/gpu_check.py --out "$OUT" "${@:2}" 2>&1 | tee "$OUT/gpu_bench.log"
BENCH_RC=${PIPESTATUS[0]}
T2=$(date +%s)
echo "gpu tests rc=$TEST_RC ($((T1 - T0)) s), benchmark rc=$BENCH_RC ($((T2 - T1)) s)"
exit $((TEST_RC || BENCH_RC))
