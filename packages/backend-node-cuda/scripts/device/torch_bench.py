# PyTorch on the same GPU in the same run (scripts/device-run.sh): torch.relu,
# F.leaky_relu, F.elu, F.dropout (training) forward at 2^24 and 2^28 float32 elements,
# and a device copy of the same bytes, timed with CUDA events. Prints one JSON object.
import json
import sys

import torch
import torch.nn.functional as F

reps = 3 if "--quick" in sys.argv else 20
sizes = [2**20] if "--quick" in sys.argv else [2**24, 2**28]
dev = torch.device("cuda")
rows = []


def timed(fn):
    fn()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(reps):
        fn()
    end.record()
    end.synchronize()
    return start.elapsed_time(end) / reps


for n in sizes:
    x = torch.rand(n, device=dev) * 4 - 2
    buf = torch.empty(n, device=dev)
    copy_ms = timed(lambda: buf.copy_(x))
    ops = {
        "relu.forward": lambda: torch.relu(x),
        "leakyRelu.forward": lambda: F.leaky_relu(x, 0.01),
        "elu.forward": lambda: F.elu(x, 1.0),
        "dropout.forward": lambda: F.dropout(x, 0.5, training=True),
    }
    for name, fn in ops.items():
        ms = timed(fn)
        rows.append({"id": name, "size": n, "opMs": ms, "copyMs": copy_ms, "ratio": copy_ms / ms})
    del x, buf
    torch.cuda.empty_cache()

print(json.dumps({"torch": torch.__version__, "device": torch.cuda.get_device_name(0), "rows": rows}))
