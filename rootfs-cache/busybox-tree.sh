# make_busybox_tree DIR: a minimal root filesystem around Debian's busybox-static
# (sourced by the busybox recipe and by busybox-rootfs.sh).

make_busybox_tree() {
  local root="$1" busybox_bin applet
  busybox_bin="$(dpkg -L busybox-static 2>/dev/null | grep -E '/bin/busybox$' | head -n1 || true)"
  [[ -n "$busybox_bin" && -x "$busybox_bin" ]] || {
    echo "rootfs-cache: busybox-static is not installed (apt-get install busybox-static)" >&2
    return 1
  }
  mkdir -p "$root"/{bin,dev,etc,home,proc,root,sys,tmp,usr/bin,usr/sbin,usr/local/bin,var/log,var/spool}
  chmod 0755 "$root" "$root"/{bin,dev,etc,home,proc,sys,usr,usr/bin,usr/sbin,usr/local,usr/local/bin,var,var/log,var/spool}
  chmod 0700 "$root/root"
  chmod 1777 "$root/tmp"
  install -m 0755 "$busybox_bin" "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do
    [[ "$applet" == busybox ]] && continue
    ln -s busybox "$root/bin/$applet"
  done
  printf '%s\n' \
    'root:x:0:0:root:/root:/bin/sh' \
    'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' > "$root/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' > "$root/etc/group"
  chmod 0644 "$root/etc/passwd" "$root/etc/group"
}
