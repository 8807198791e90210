#!/usr/bin/env python3
"""Builds the services' base image as a docker-save tar, without a registry or a Docker daemon:

  deploy/docker/jre-base-image.py OUT.tar [--java-home /usr/lib/jvm/java-17-openjdk-amd64]

One layer: a Java runtime made with jlink from the machine's JDK (Debian's openjdk-17), the shared libraries it
needs (from ldd), /etc/passwd and /etc/group with the user 185 (jboss, as Red Hat's OpenJDK images), a sticky /tmp
and /deployments owned by 185. Jib builds the service images on it (quarkus.jib.base-jvm-image=tar://OUT.tar), as
scripts/image-build.sh does. Only the Python standard library and the JDK's jlink.
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

# The Java SE modules plus the JDK ones Quarkus, Netty, Vert.x, Kafka and the PostgreSQL client reach for.
MODULES = "java.se,jdk.unsupported,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.management,jdk.naming.dns,jdk.zipfs,jdk.localedata,jdk.jfr"
UID = 185
EPOCH = 0  # reproducible: every entry dated 1970, as Jib dates its own layers


def sh(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def libraries(paths):
    """Every shared library (and the loader) the given ELF files load, resolved as ldd resolves them."""
    libs = set()
    for p in paths:
        for line in sh("ldd", p).splitlines():
            parts = line.split()
            if "=>" in parts and len(parts) >= 3 and parts[2].startswith("/"):
                libs.add(parts[2])
            elif parts and parts[0].startswith("/"):
                libs.add(parts[0])
    return sorted(libs)


def add(tar, name, data=None, mode=0o644, uid=0, kind=tarfile.REGTYPE, link=""):
    info = tarfile.TarInfo(name)
    info.mtime, info.uid, info.gid, info.mode, info.type, info.linkname = EPOCH, uid, uid, mode, kind, link
    if data is not None:
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    else:
        tar.addfile(info)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--java-home", default=os.environ.get("JRE_BASE_JAVA_HOME", "/usr/lib/jvm/java-17-openjdk-amd64"))
    a = ap.parse_args()
    jlink = os.path.join(a.java_home, "bin", "jlink")
    if not os.path.exists(jlink) or not os.path.isdir(os.path.join(a.java_home, "jmods")):
        sys.exit(f"{a.java_home} has no jlink and jmods: point --java-home at a full JDK 17 (apt-get install openjdk-17-jdk-headless)")
    work = tempfile.mkdtemp(prefix="labfleet-jre-")
    try:
        jre = os.path.join(work, "jre")
        sh(jlink, "--add-modules", MODULES, "--strip-debug", "--no-header-files", "--no-man-pages",
           "--compress=2", "--output", jre)
        # AWT, sound and image codecs are never loaded by a headless service: their X11/ALSA libraries stay out.
        desktop = ("libawt_xawt", "libjawt", "libjsound", "libsplashscreen", "libfontmanager", "liblcms", "libjavajpeg",
                   "libmlib_image", "libawt.so")
        elves = [os.path.join(jre, "bin", "java")]
        for root, _, files in os.walk(jre):
            elves += [os.path.join(root, f) for f in files if f.endswith(".so") and not f.startswith(desktop)]
        layer = io.BytesIO()
        with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as t:
            for d in ("etc", "lib", "lib64", "usr", "usr/lib", "opt", "deployments", "tmp", "home", "home/jboss"):
                owner = UID if d in ("deployments", "home/jboss") else 0
                add(t, d, mode=0o1777 if d == "tmp" else 0o755, uid=owner, kind=tarfile.DIRTYPE)
            add(t, "etc/passwd", b"root:x:0:0:root:/root:/sbin/nologin\njboss:x:185:185:jboss:/home/jboss:/sbin/nologin\n")
            add(t, "etc/group", b"root:x:0:\njboss:x:185:\n")
            add(t, "etc/nsswitch.conf", b"hosts: files dns\n")
            seen_dirs = set()
            for lib in libraries(elves):
                real = os.path.realpath(lib)
                if real.startswith(os.path.realpath(jre) + os.sep):
                    continue  # the runtime's own libraries (libjli.so...) come with it
                name = lib.lstrip("/")
                parent = os.path.dirname(name)
                for i in range(1, len(parent.split("/")) + 1):
                    d = "/".join(parent.split("/")[:i])
                    if d not in seen_dirs and d not in ("lib", "lib64", "usr", "usr/lib"):
                        add(t, d, mode=0o755, kind=tarfile.DIRTYPE)
                    seen_dirs.add(d)
                with open(real, "rb") as f:
                    add(t, name, f.read(), mode=0o755)
            for root, dirs, files in os.walk(jre):
                rel = os.path.relpath(root, jre)
                base = "opt/java" if rel == "." else "opt/java/" + rel
                add(t, base, mode=0o755, kind=tarfile.DIRTYPE)
                for f in sorted(files):
                    p = os.path.join(root, f)
                    with open(p, "rb") as fh:
                        add(t, f"{base}/{f}", fh.read(), mode=os.stat(p).st_mode & 0o777)
        layer_bytes = layer.getvalue()
        diff_id = "sha256:" + hashlib.sha256(layer_bytes).hexdigest()
        config = {
            "architecture": "amd64", "os": "linux", "created": "1970-01-01T00:00:00Z",
            "config": {
                "User": str(UID),
                "Env": ["PATH=/opt/java/bin:/usr/bin:/bin", "JAVA_HOME=/opt/java", "LANG=C.UTF-8"],
                "WorkingDir": "/deployments",
            },
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
            "history": [{"created": "1970-01-01T00:00:00Z",
                         "created_by": f"deploy/docker/jre-base-image.py: jlink {MODULES} from {a.java_home}"}],
        }
        config_bytes = json.dumps(config, sort_keys=True).encode()
        config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
        manifest = [{"Config": config_name, "RepoTags": ["labfleet/jre-base:17"], "Layers": ["layer.tar"]}]
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        with tarfile.open(a.out, "w") as out:
            add(out, "layer.tar", layer_bytes)
            add(out, config_name, config_bytes)
            add(out, "manifest.json", json.dumps(manifest).encode())
        print(f"{a.out}: labfleet/jre-base:17, {len(layer_bytes) >> 20} MiB layer ({diff_id[:19]})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
