#!/usr/bin/env bash
# Makes sure the real mail servers of the lab are on this machine (STACK.md, "Real mail servers"):
#   - Postfix, postgrey, dnsmasq and swaks from Debian's apt repositories, installed normally;
#   - Exim (exim4-daemon-light), OpenSMTPD and Sendmail (sendmail-bin, sendmail-cf,
#     sendmail-base) unpacked with `dpkg-deb -x` under $LAB_ROOT, because all four MTAs
#     Provide/Conflict mail-transport-agent and apt installs only one.
#     Their maintainer scripts never run, so their users are created here.
# A temporary /usr/sbin/policy-rc.d that exits 101 keeps apt from starting a system MTA.
# Exit 0 when everything is there (a second run is a no-op), 1 when something is missing and we
# are not root: the exact commands to run are printed instead.
set -euo pipefail

LAB_ROOT="${RELAYPROBE_MTA_ROOT:-/opt/relayprobe-mta-lab}"
APT_PACKAGES=(postfix postgrey dnsmasq-base swaks util-linux
  # the shared libraries exim4-daemon-light and opensmtpd link against (their packages are only unpacked)
  libgnutls-dane0 libgnutls30 libidn12 libidn2-0 libnsl2 libpcre2-8-0 libdb5.3 libcrypt1
  libevent-2.1-7 libpam0g libssl3 zlib1g
  # ... and Sendmail 8.17 (ldd usr/libexec/sendmail/sendmail); m4 builds its .cf from sendmail-cf
  libldap-2.5-0 libsasl2-2 libwrap0 libtirpc3 liblockfile1 m4
  # the OpenSSL 3 key-loading fix for OpenSMTPD 6.8 (configs/opensmtpd/openssl3-pkey-fix.c) is built with gcc
  gcc libc6-dev)
UNPACKED=(exim4-daemon-light exim4-base opensmtpd sendmail-bin sendmail-cf sendmail-base)

missing_apt=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing_apt+=("$p")
done
need_unpack=0
for p in "${UNPACKED[@]}"; do [ -f "$LAB_ROOT/.unpacked-$p" ] || need_unpack=1; done
need_users=0
for u in Debian-exim opensmtpd opensmtpq smmta smmsp; do id "$u" >/dev/null 2>&1 || need_users=1; done

if [ ${#missing_apt[@]} -eq 0 ] && [ $need_unpack -eq 0 ] && [ $need_users -eq 0 ]; then
  exit 0
fi

uid="${ENSURE_MTAS_UID:-$(id -u)}"
if [ "$uid" != "0" ]; then
  echo "The mail-server lab needs Debian's Postfix, Exim, OpenSMTPD and Sendmail. As root, run:" >&2
  echo "  sudo bash $(realpath "$0")" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-o DPkg::Lock::Timeout=300)
if [ ${#missing_apt[@]} -gt 0 ]; then
  echo "Installing ${missing_apt[*]} with apt (the mail-server lab)..." >&2
  policy=/usr/sbin/policy-rc.d
  had_policy=0; [ -e "$policy" ] && had_policy=1
  if [ $had_policy -eq 0 ]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 755 "$policy"; fi
  trap '[ $had_policy -eq 0 ] && rm -f "$policy"' EXIT
  echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
  apt-get "${apt_opts[@]}" update -qq
  apt-get "${apt_opts[@]}" install -y -qq --no-install-recommends "${missing_apt[@]}" >/dev/null
fi

if [ $need_unpack -eq 1 ]; then
  echo "Unpacking ${UNPACKED[*]} into $LAB_ROOT..." >&2
  mkdir -p "$LAB_ROOT/debs"
  (cd "$LAB_ROOT/debs" && apt-get "${apt_opts[@]}" download "${UNPACKED[@]}" >/dev/null 2>&1) || {
    apt-get "${apt_opts[@]}" update -qq
    (cd "$LAB_ROOT/debs" && apt-get "${apt_opts[@]}" download "${UNPACKED[@]}" >/dev/null)
  }
  for p in "${UNPACKED[@]}"; do
    dpkg-deb -x "$(ls "$LAB_ROOT"/debs/"${p}"_*.deb | head -1)" "$LAB_ROOT/root"
    touch "$LAB_ROOT/.unpacked-$p"
  done
fi

# The users the unpacked packages' maintainer scripts would have made.
id Debian-exim >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /var/spool/exim4 --shell /usr/sbin/nologin Debian-exim
id opensmtpd >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /var/lib/opensmtpd/empty --shell /usr/sbin/nologin opensmtpd
id opensmtpq >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /var/lib/opensmtpd/empty --shell /usr/sbin/nologin opensmtpq
mkdir -p /var/lib/opensmtpd/empty
# sendmail-base's postinst: groups and users smmta (the MTA's DefaultUser) and smmsp (submission).
getent group smmta >/dev/null || groupadd --system smmta
getent group smmsp >/dev/null || groupadd --system smmsp
id smmta >/dev/null 2>&1 || useradd --system -g smmta --no-create-home --home-dir /var/lib/sendmail --shell /usr/sbin/nologin smmta
id smmsp >/dev/null 2>&1 || useradd --system -g smmsp --no-create-home --home-dir /var/lib/sendmail --shell /usr/sbin/nologin smmsp
exit 0
