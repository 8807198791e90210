#!/usr/bin/env bash
# Container images with Jib, to local tar files: no Docker daemon, no registry (./labfleet test builds one, so CI
# shows that it works).
#
#   scripts/image-build.sh [module...]     [project-service]   images land in target/images/<module>.tar
#
# The base image is made here too, as a tar (deploy/docker/jre-base-image.py: a jlink runtime of the machine's
# JDK 17, user 185), since no registry but Maven Central can be reached; Jib (quarkus-container-image-jib, the
# service-parent profile "jib") layers the fast-jar on it and hands the result to deploy/docker/jib-docker-to-tar,
# which keeps it as a docker-save tar (`docker load -i`, `skopeo copy docker-archive:...`, `crane push` take it).
# Each image is then checked: user 185, the JVM sized for containers, quarkus-run.jar in /deployments; as root, its
# root filesystem is unpacked and its java started as user 185 in a chroot.
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/target/images
MODULES=("$@")
[ ${#MODULES[@]} -gt 0 ] || MODULES=(project-service)
say() { printf '[image-build] %s\n' "$*"; }
die() { printf '[image-build] ERROR: %s\n' "$*" >&2; exit 1; }
mkdir -p "$OUT"

BASE=$OUT/jre-base.tar
if [ ! -s "$BASE" ] || [ "$ROOT/deploy/docker/jre-base-image.py" -nt "$BASE" ]; then
  say "base image: jlink runtime of the machine's JDK -> $BASE"
  python3 "$ROOT/deploy/docker/jre-base-image.py" "$BASE" || die "the base image could not be built"
fi

# Container JVM flags: heap sized from the container's memory limit, fail fast on OOM (the pod is restarted).
JVM_ARGS="-XX:MaxRAMPercentage=60,-XX:InitialRAMPercentage=25,-XX:+ExitOnOutOfMemoryError"
for m in "${MODULES[@]}"; do
  [ -d "$ROOT/$m" ] || die "no module $m"
  say "jib: $m -> $OUT/$m.tar"
  LABFLEET_IMAGE_TAR=$OUT/$m.tar "$ROOT/mvnw" -B -ntp -q -f "$ROOT/pom.xml" -pl "$m" -am package -Pjib -DskipTests \
    -Dquarkus.container-image.build=true -Dquarkus.container-image.group=labfleet \
    -Dquarkus.container-image.name="$m" -Dquarkus.container-image.tag=dev \
    -Dquarkus.jib.base-jvm-image="tar://$BASE" \
    -Dquarkus.jib.docker-executable-name="$ROOT/deploy/docker/jib-docker-to-tar" \
    -Dquarkus.jib.user=185 -Dquarkus.jib.working-directory=/deployments \
    -Dquarkus.jib.jvm-additional-arguments="$JVM_ARGS" \
    -Dquarkus.jib.environment-variables.HTTP_HOST=0.0.0.0 -Dquarkus.jib.environment-variables.LOG_JSON=true \
    >"$OUT/$m-build.log" 2>&1 || die "the Jib build of $m failed (see $OUT/$m-build.log)"
  python3 - "$OUT/$m.tar" "$m" <<'PY' || die "the image of $m is not what it should be"
import json, sys, tarfile
path, module = sys.argv[1], sys.argv[2]
with tarfile.open(path) as t:
    manifest = json.load(t.extractfile("manifest.json"))[0]
    config = json.load(t.extractfile(manifest["Config"]))["config"]
    files = set()
    for layer in manifest["Layers"]:
        with tarfile.open(fileobj=t.extractfile(layer)) as l:
            files.update(n.lstrip("./") for n in l.getnames())
entry = config["Entrypoint"]
problems = []
if manifest["RepoTags"] != [f"labfleet/{module}:dev"]: problems.append(f"tag {manifest['RepoTags']}")
if config.get("User") != "185": problems.append(f"user {config.get('User')} (must be 185, not root)")
if "-XX:MaxRAMPercentage=60" not in entry or entry[-2:] != ["-jar", "quarkus-run.jar"]: problems.append(f"entrypoint {entry}")
for f in ("deployments/quarkus-run.jar", "opt/java/bin/java", "etc/passwd"):
    if f not in files: problems.append(f"{f} missing")
if problems: sys.exit(f"{path}: " + "; ".join(problems))
print(f"[image-build] {path}: {manifest['RepoTags'][0]}, {len(manifest['Layers'])} layers, user 185, {' '.join(entry)}")
PY
  if [ "$(id -u)" = 0 ] && command -v chroot >/dev/null; then
    rootfs=$(mktemp -d) && chmod 755 "$rootfs"
    python3 - "$OUT/$m.tar" "$rootfs" <<'PY'
import json, sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    for layer in json.load(t.extractfile("manifest.json"))[0]["Layers"]:
        with tarfile.open(fileobj=t.extractfile(layer)) as l:
            l.extractall(sys.argv[2], filter="fully_trusted")
PY
    mkdir -p "$rootfs/proc"
    if mount -t proc proc "$rootfs/proc" 2>/dev/null; then
      version=$(chroot --userspec=185:185 "$rootfs" /opt/java/bin/java -version 2>&1 | head -1) \
        || { umount "$rootfs/proc"; rm -rf "$rootfs"; die "java does not start in the image of $m as user 185"; }
      umount "$rootfs/proc"
      say "$m: the image's java runs as user 185: $version"
    else
      say "$m: could not mount /proc for a chroot run; the image's layout was checked only"
    fi
    rm -rf "$rootfs"
  fi
done
