# scripts/deps.sh - sourced by scripts/run, scripts/test and bench/run.
# Installs the Debian packages mod_passport needs to build and test:
# with apt-get when run as root, otherwise prints the missing ones.

PP_PACKAGES="build-essential apache2 apache2-dev libapache2-mod-perl2
 libwww-perl libxml-libxml-perl libxml2-dev libssl-dev libaprutil1-dbd-sqlite3 sqlite3
 autoconf automake libtool pkg-config openssl curl libio-socket-ssl-perl"

pp_missing_packages() {
    local p missing=""
    for p in $PP_PACKAGES "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
            || missing="$missing $p"
    done
    echo "$missing"
}

pp_ensure_packages() {
    local missing
    missing=$(pp_missing_packages "$@")
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" -eq 0 ]; then
        echo ">> installing:$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        # shellcheck disable=SC2086
        apt-get install -y -qq $missing >/dev/null
    else
        echo "mod_passport needs these Debian packages, which are missing:" >&2
        echo "  sudo apt-get install$missing" >&2
        return 1
    fi
}

# Configure (once) and build out of the source tree, in BUILD (VPATH):
#   pp_build TOP BUILD [CONFIGURE-ARGS...]
# The build directory holds everything built (mod_passport.la and
# .libs/mod_passport.so, tools/passport-admin, t/unit/test_*); the source
# tree stays clean. A source tree configured in place (./configure run in
# it) cannot also host VPATH builds: then BUILD must be TOP itself.
pp_build() {
    local top=$1 build=$2
    shift 2
    (
        cd "$top" || exit 1
        if [ "$build" != "$top" ] && [ -f config.status ]; then
            echo "$top is configured in place (./configure ran there): run" \
                 "'make distclean' in it first, so that scripts/ can build in $build" >&2
            exit 1
        fi
        [ -x configure ] || autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
        mkdir -p "$build"
        cd "$build" || exit 1
        [ -f Makefile ] || "$top/configure" -q --with-apxs="$(command -v apxs || command -v apxs2)" "$@"
        make -s -j"$(nproc)" >/dev/null
        # the unit tests and the sanitizer canary, without running them
        make -s -j"$(nproc)" check TESTS= >/dev/null
    )
}

# The build directory scripts/run and bench/run use: in place when the
# tree was configured in place, else build/ (VPATH).
pp_default_build() {
    local top=$1
    if [ -f "$top/config.status" ]; then echo "$top"; else echo "$top/build"; fi
}

# What a build directory holds: the module libtool made, passport-admin.
pp_module_path() {
    local dlname
    dlname=$(sed -n "s/^dlname='\(.*\)'/\1/p" "$1/mod_passport.la")
    echo "$1/.libs/${dlname:-mod_passport.so}"
}
pp_admin_path() { echo "$1/tools/passport-admin"; }
