#!/usr/bin/env bash
# The Debian package end to end (packaging/, docs/install.md): builds a tree without the test suite
# in DEB_BUILD, makes the .deb with cpack, checks what dpkg-deb lists and shows (files, modes,
# Depends, conffiles, maintainer scripts, man pages), has systemd-analyze verify the units and rate
# their sandbox; then, as root, installs the package on this machine, runs the main job
# (scripts/demo.sh) with the installed binaries, purges the package and checks that its files are
# gone. The purge also runs when a step fails. Not root: everything but the install, then exit 77
# (ctest: skipped).
#   deb_test.sh SOURCE_DIR DEB_BUILD CMAKE CPACK LAUNCHER VERSION   (LAUNCHER "": ccache if installed)
# DEB_BUILD sits beside the test's own build tree (build -> build-deb): at the same depth, the
# shared ccache serves its compilations.
set -euo pipefail
src=$1 deb_build=$2 cmake=$3 cpack=$4 launcher=${5:-$(command -v ccache || true)} version=$6
started=$(date +%s)
fail() { echo "deb_test: $*" >&2; exit 1; }
step() { printf '\n== %s (%s, %d s)\n' "$*" "$(date -u +%H:%M:%S)" $(($(date +%s) - started)); }

exec 9>/tmp/utxo-torrent-deb-test.lock
flock -n 9 || fail "another package test holds /tmp/utxo-torrent-deb-test.lock"
work=$(mktemp -d /tmp/utxo-deb-test-XXXXXX)
installed_by_us=0
user_before=0
getent passwd utxo-torrent >/dev/null && user_before=1
cleanup() {
  local rc=$?
  if [ "$installed_by_us" = 1 ]; then
    dpkg --purge utxo-torrent >/dev/null 2>&1 || true
    [ "$user_before" = 1 ] || userdel utxo-torrent 2>/dev/null || true
  fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT

step "build a tree without the test suite in $deb_build"
"$cmake" -S "$src" -B "$deb_build" -DCMAKE_BUILD_TYPE=Release -DUTXO_BUILD_TESTS=OFF \
  ${launcher:+"-DCMAKE_CXX_COMPILER_LAUNCHER=$launcher"} >"$work/configure.log" ||
  { cat "$work/configure.log"; fail "configuring $deb_build failed"; }
nice "$cmake" --build "$deb_build" -j"$(nproc)" >"$work/build.log" 2>&1 ||
  { tail -n 40 "$work/build.log"; fail "building $deb_build failed"; }
python3 "$src/scripts/check-binaries.py" "$deb_build"

step "cpack -G DEB"
arch=$(dpkg --print-architecture)
deb=$deb_build/utxo-torrent_${version}_$arch.deb
rm -f "$deb"
(cd "$deb_build" && "$cpack" -G DEB >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack failed"; }
[ -f "$deb" ] || fail "cpack made no $deb"
echo "$(basename "$deb"): $(stat -c %s "$deb") bytes"

step "dpkg-deb -c: exactly the expected files"
tools=(utxo-indexer utxo-signer utxo-trustnet utxo-seeder utxo-verifier)
units=(utxo-seeder.service utxo-indexer.service utxo-verifier-serve.service utxo-verifier-fetch.service
       utxo-verifier-fetch.timer utxo-verifier-follow.service)
configs=(seeder.conf indexer.conf verifier.conf)
{
  for t in "${tools[@]}"; do echo "-rwxr-xr-x ./usr/bin/$t"; echo "-rw-r--r-- ./usr/share/man/man1/$t.1.gz"; done
  for u in "${units[@]}"; do echo "-rw-r--r-- ./lib/systemd/system/$u"; done
  for c in "${configs[@]}"; do
    echo "-rw-r--r-- ./etc/utxo-torrent/$c"
    echo "-rw-r--r-- ./usr/share/doc/utxo-torrent/examples/$c"
  done
  echo "-rw-r--r-- ./usr/lib/sysusers.d/utxo-torrent.conf"
  echo "-rw-r--r-- ./usr/share/doc/utxo-torrent/README.md"
  for d in "$src"/docs/*.md; do echo "-rw-r--r-- ./usr/share/doc/utxo-torrent/$(basename "$d")"; done
} | sort -k2 >"$work/expected"
dpkg-deb -c "$deb" >"$work/listing"
awk '$1 !~ /^d/ { print $1, $6 }' "$work/listing" | sort -k2 >"$work/actual"
diff -u "$work/expected" "$work/actual" || fail "the package's files (mode path) differ from the expected ones (above)"
awk '$2 != "root/root" { print; bad = 1 } END { exit bad }' "$work/listing" || fail "files not owned by root/root (above)"
echo "$(wc -l <"$work/actual") files, all root/root, modes as expected"

step "dpkg-deb -I: control fields, conffiles, maintainer scripts"
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = utxo-torrent ] || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)', the project's is $version"
[ "$(field Section)" = net ] || fail "Section is '$(field Section)'"
[ -n "$(field Maintainer)" ] || fail "no Maintainer"
depends=$(field Depends)
echo "Depends: $depends"
for lib in libc6 libsodium23 liblmdb0 libsecp256k1-1 libtorrent-rasterbar2.0 libssl3; do
  grep -Eq "(^|, )$lib( |,|$)" <<<"$depends" || fail "Depends does not name $lib (dpkg-shlibdeps)"
done
dpkg-deb -I "$deb" conffiles >"$work/conffiles"
printf '/etc/utxo-torrent/%s\n' indexer.conf seeder.conf verifier.conf | diff -u - <(sort "$work/conffiles") ||
  fail "conffiles differ (above)"
mkdir "$work/control"
dpkg-deb -e "$deb" "$work/control"
for s in postinst prerm postrm; do
  [ -x "$work/control/$s" ] || fail "no executable $s"
  sh -n "$work/control/$s" || fail "$s: not valid sh"
done
grep -q systemd-sysusers "$work/control/postinst" || fail "postinst does not run systemd-sysusers"
if grep -Eq 'systemctl +(start|enable|restart)|deb-systemd-invoke +start' "$work/control/postinst"; then
  fail "postinst starts or enables a service"
fi
echo "conffiles: $(tr '\n' ' ' <"$work/conffiles")"

step "the man pages"
mkdir "$work/root"
dpkg-deb -x "$deb" "$work/root"
for t in "${tools[@]}"; do
  page=$work/root/usr/share/man/man1/$t.1.gz
  zcat "$page" >"$work/$t.1"
  grep -q "^\.TH \"\?${t^^}" "$work/$t.1" || fail "$t.1: no .TH header"
  grep -q "$version" "$work/$t.1" || fail "$t.1: does not carry the version $version"
  if grep -q "$deb_build" "$work/$t.1"; then fail "$t.1: names the build directory"; fi
  LC_ALL=C.UTF-8 MANWIDTH=100 man -l "$work/$t.1" 2>"$work/man.err" >"$work/$t.txt" || fail "man -l $t.1 failed"
  ! grep -q . "$work/man.err" || { cat "$work/man.err"; fail "$t.1: groff warns (above)"; }
  grep -q -- "--help" "$work/$t.txt" || fail "$t.1: no options"
done
# Each subcommand's own options are on the page (help2man alone lists only the commands).
for pair in utxo-indexer:run:--follow utxo-verifier:fetch:--trustnet utxo-verifier:serve:--cors \
            utxo-signer:sign:--own utxo-trustnet:add:NAME; do
  IFS=: read -r t sub opt <<<"$pair"
  grep -q "^\.SS $sub$" "$work/$t.1" || fail "$t.1: no section for $sub"
  sed -n "/^\.SS $sub\$/,/^\.fi/p" "$work/$t.1" | grep -q -- "$opt" || fail "$t.1: $sub's section lacks $opt"
done
grep -q "^\.SS" "$work/utxo-seeder.1" && fail "utxo-seeder.1: the seeder has no subcommands"
echo "5 pages; every subcommand's options included"

step "systemd-analyze verify and security"
for u in "${units[@]}"; do
  grep -q "^ExecStart=/usr/bin/utxo-" "$work/root/lib/systemd/system/$u" || [[ $u == *.timer ]] ||
    fail "$u: ExecStart is not an installed tool"
done
# verify runs ExecStart's binary check against this machine's /usr/bin: before the install, the
# extracted binaries are put on the units' paths in a copy (the units' text is otherwise unchanged).
mkdir -p "$work/units"
for u in "${units[@]}"; do
  sed "s|/usr/bin/utxo-|$work/root/usr/bin/utxo-|g" "$work/root/lib/systemd/system/$u" >"$work/units/$u"
done
(cd "$work/units" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "${units[@]}") \
  >"$work/verify.log" 2>&1 || { cat "$work/verify.log"; fail "systemd-analyze verify refused the units"; }
grep -v "^$" "$work/verify.log" && fail "systemd-analyze verify warned (above)"
for u in "${units[@]}"; do
  [[ $u == *.service ]] || continue
  (cd "$work/units" && systemd-analyze security --offline=yes "$u") >"$work/security.log" 2>&1 || true
  line=$(grep -o "Overall exposure level for $u: [0-9.]* [A-Z]*" "$work/security.log") ||
    { cat "$work/security.log"; fail "systemd-analyze security gave no exposure level for $u"; }
  echo "$line"
  level=${line##* }
  [[ $level == SAFE || $level == OK ]] || fail "$u: exposure $level, not OK or SAFE"
done
echo "verify: no warning for ${#units[@]} units"

if [ "$(id -u)" != 0 ]; then
  echo "deb_test: not root, so not installed: the install, the main job and the purge are skipped ($(($(date +%s) - started)) s)"
  exit 77
fi

step "dpkg -i on this machine"
if dpkg-query -W -f='${Status}' utxo-torrent 2>/dev/null | grep -q "ok installed"; then
  fail "utxo-torrent is installed on this machine already; this test would replace and purge it"
fi
for t in "${tools[@]}"; do [ ! -e "/usr/bin/$t" ] || fail "/usr/bin/$t exists and is no package's: not overwriting it"; done
installed_by_us=1
DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i failed"; }
getent passwd utxo-torrent >"$work/passwd" || fail "postinst made no utxo-torrent user"
IFS=: read -r _ _ uid _ _ home shell <"$work/passwd"
((uid < 1000)) || fail "utxo-torrent is not a system user (uid $uid)"
[ "$home" = /var/lib/utxo-torrent ] || fail "utxo-torrent's home is $home"
[[ $shell == */nologin || $shell == /bin/false ]] || fail "utxo-torrent can log in ($shell)"
for c in "${configs[@]}"; do cmp "$src/packaging/config/$c" "/etc/utxo-torrent/$c" || fail "/etc/utxo-torrent/$c differs"; done
for t in "${tools[@]}"; do
  out=$("/usr/bin/$t" --version) || fail "/usr/bin/$t --version failed"
  [[ $out == "$t $version "* ]] || fail "/usr/bin/$t --version printed '$out'"
done
if ls /etc/systemd/system/*.wants/utxo-* >/dev/null 2>&1; then fail "the install enabled a unit"; fi
(cd /lib/systemd/system && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "${units[@]}") \
  >"$work/verify.log" 2>&1 || { cat "$work/verify.log"; fail "systemd-analyze verify refused the installed units"; }
grep -v "^$" "$work/verify.log" && fail "systemd-analyze verify warned on the installed units (above)"
echo "installed: user $uid, configs, units verified, nothing enabled"

step "the main job with the installed binaries (UTXO_BIN=/usr/bin scripts/demo.sh)"
UTXO_BIN=/usr/bin "$src/scripts/demo.sh" >"$work/demo.log" 2>&1 || { tail -n 40 "$work/demo.log"; fail "the main job failed"; }
grep -q "== the wallet's UTXOs ==" "$work/demo.log" || fail "the main job did not reach the wallet's UTXOs"
grep -Eq "^installed regtest height [0-9]+ " "$work/demo.log" || { tail -n 40 "$work/demo.log"; fail "no release installed"; }
tail -n 3 "$work/demo.log"

step "dpkg --purge: nothing left"
dpkg --purge utxo-torrent >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg --purge failed"; }
installed_by_us=0
[ "$user_before" = 1 ] || userdel utxo-torrent || fail "userdel utxo-torrent failed"
while read -r _ path; do
  [ ! -e "${path#.}" ] || fail "${path#.} is still there after the purge"
done <"$work/actual"
[ ! -e /etc/utxo-torrent ] || fail "/etc/utxo-torrent is still there after the purge"
! dpkg-query -W -f='${Status}' utxo-torrent 2>/dev/null | grep -q "ok installed" || fail "still installed"
echo "purged: $(wc -l <"$work/actual") files gone"
echo "deb_test: passed in $(($(date +%s) - started)) s"
