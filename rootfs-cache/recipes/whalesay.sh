# whalesay: busybox plus /usr/local/bin/cowsay, which draws a whale saying its
# arguments (as docker/whalesay's `cowsay boo`). docker/whalesay's Cmd is
# /bin/bash; busybox has no bash, so Cmd is ["sh"].
build_whalesay() {
  local layout="$1/layout" work="$1/work"
  cp -a "$BASE_LAYOUT" "$layout"
  mkdir -p "$work/layer/usr/local/bin"
  cat > "$work/layer/usr/local/bin/cowsay" <<'COWSAY'
#!/bin/sh
# cowsay MESSAGE...: a whale says MESSAGE (default: "moo").
message="$*"
[ -n "$message" ] || message="moo"
top=$(printf '%s' "$message" | sed 's/./_/g')
border=$(printf '%s' "$message" | sed 's/./-/g')
echo " _${top}_ "
echo "< ${message} >"
echo " -${border}- "
cat <<'WHALE'
    \
     \
      \     ##         .
       \  ## ## ##       ==
        ## ## ## ##     ===
    /""""""""""""""\___/ ===
~~~{~~ ~~~~ ~~~ ~~~~ ~~ ~ /  ===- ~~~
    \______ o          __/
      \    \        __/
       \____\______/
WHALE
COWSAY
  chmod 0755 "$work/layer/usr" "$work/layer/usr/local" "$work/layer/usr/local/bin" "$work/layer/usr/local/bin/cowsay"
  tar_dir "$work/layer" "$work/layer.tar"
  add_layer "$layout" "$work/layer.tar" "cowsay with a whale"
  umoci config --image "$layout:$FIXTURE_TAG" --no-history --config.cmd sh
  umoci gc --layout "$layout"
  rm -rf "$work"
}
