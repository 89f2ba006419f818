#!/usr/bin/python3
"""An RTSP client made of GStreamer's rtspsrc, as GStreamer-based players and NVRs are: pulls
--url over --protocol (tcp or udp), depayloads and decodes H.264 (openh264) to RGB, and prints one
JSON line per decoded frame: {"width", "height", "quadrants": [[r, g, b] x 4]} (mean colour of
each quarter, inset). Exits 0 after --frames frames, or 1 with `FAILED <reason>` on an error or
after --timeout seconds.

Run with Debian's /usr/bin/python3 (it has `gi`).
"""

import argparse
import json
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402


def quadrant_means(data, width, height, stride):
    """Mean RGB of each quarter of the picture (row-major quarters), sampled every 4th pixel."""
    means = []
    for qy in range(2):
        for qx in range(2):
            x0, x1 = qx * width // 2 + 8, (qx + 1) * width // 2 - 8
            y0, y1 = qy * height // 2 + 8, (qy + 1) * height // 2 - 8
            total, count = [0, 0, 0], 0
            for y in range(y0, y1, 4):
                row = y * stride
                for x in range(x0, x1, 4):
                    i = row + x * 3
                    total[0] += data[i]
                    total[1] += data[i + 1]
                    total[2] += data[i + 2]
                    count += 1
            means.append([round(c / count) for c in total])
    return means


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--protocol", choices=["tcp", "udp"], default="tcp")
    parser.add_argument("--frames", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=15)
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()
    Gst.init(None)

    pipeline = Gst.parse_launch(
        "rtspsrc name=src latency=0 ! rtph264depay ! h264parse ! openh264dec ! videoconvert ! "
        "video/x-raw,format=RGB ! appsink name=sink emit-signals=true sync=false max-buffers=50"
    )
    src = pipeline.get_by_name("src")
    src.set_property("location", args.url)
    src.set_property("protocols", "tcp" if args.protocol == "tcp" else "udp")
    if args.user is not None:
        src.set_property("user-id", args.user)
        src.set_property("user-pw", args.password)

    loop = GLib.MainLoop()
    state = {"frames": 0, "failed": None}

    def on_sample(sink):
        sample = sink.emit("pull-sample")
        caps = sample.get_caps().get_structure(0)
        width, height = caps.get_value("width"), caps.get_value("height")
        buffer = sample.get_buffer()
        ok, info = buffer.map(Gst.MapFlags.READ)
        if ok:
            stride = len(info.data) // height
            line = {"width": width, "height": height, "quadrants": quadrant_means(info.data, width, height, stride)}
            buffer.unmap(info)
            print(json.dumps(line), flush=True)
            state["frames"] += 1
            if state["frames"] >= args.frames:
                loop.quit()
        return Gst.FlowReturn.OK

    def on_message(_bus, message):
        if message.type == Gst.MessageType.ERROR:
            error, _debug = message.parse_error()
            state["failed"] = error.message
            loop.quit()
        elif message.type == Gst.MessageType.EOS:
            state["failed"] = "end of stream"
            loop.quit()

    def on_timeout():
        state["failed"] = f"timed out after {args.timeout} s with {state['frames']} frames"
        loop.quit()
        return False

    pipeline.get_by_name("sink").connect("new-sample", on_sample)
    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message)
    GLib.timeout_add(int(args.timeout * 1000), on_timeout)
    pipeline.set_state(Gst.State.PLAYING)
    loop.run()
    pipeline.set_state(Gst.State.NULL)
    if state["failed"] is not None:
        print(f"FAILED {state['failed']}", flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
