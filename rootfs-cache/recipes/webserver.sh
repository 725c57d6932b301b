# webserver: busybox plus a document root served by busybox httpd on port 80.
build_webserver() {
  local layout="$1/layout" work="$1/work"
  cp -a "$BASE_LAYOUT" "$layout"
  mkdir -p "$work/layer/usr/local/apache2/htdocs"
  printf '<html><body><h1>It works!</h1></body></html>\n' > "$work/layer/usr/local/apache2/htdocs/index.html"
  chmod 0755 "$work/layer/usr" "$work/layer/usr/local" "$work/layer/usr/local/apache2" "$work/layer/usr/local/apache2/htdocs"
  chmod 0644 "$work/layer/usr/local/apache2/htdocs/index.html"
  tar_dir "$work/layer" "$work/layer.tar"
  add_layer "$layout" "$work/layer.tar" "document root"
  umoci config --image "$layout:$FIXTURE_TAG" --no-history \
    --config.exposedports 80/tcp --config.workingdir /usr/local/apache2 \
    --config.cmd httpd --config.cmd -f --config.cmd -p --config.cmd 80 \
    --config.cmd -h --config.cmd /usr/local/apache2/htdocs
  umoci gc --layout "$layout"
  rm -rf "$work"
}
