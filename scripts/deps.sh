# scripts/deps.sh - sourced by scripts/run, scripts/test and bench/run.
# Installs the Debian packages mod_passport needs to build and test:
# with apt-get when run as root, otherwise prints the missing ones.

PP_PACKAGES="build-essential apache2 apache2-dev libapache2-mod-perl2
 libwww-perl libxml-libxml-perl libxml2-dev libssl-dev libaprutil1-dbd-sqlite3 sqlite3
 autoconf automake libtool pkg-config openssl curl"

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

# Configure (once) and build the module, the core library and the tests.
pp_build() {
    local top=$1
    (
        cd "$top" || exit 1
        [ -x configure ] || autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
        [ -f Makefile ] || ./configure -q --with-apxs="$(command -v apxs || command -v apxs2)"
        make -s >/dev/null
        make -s check >/dev/null
    )
}
