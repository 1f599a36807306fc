# shellcheck shell=bash
# The test bed's container registries, sourced by testbed.sh (whose fail, note, alive, our_pid, stop_pid and
# json_str it uses): Debian's docker-registry (the CNCF distribution) twice on an address of its own (below),
# "private" with TLS and htpasswd auth and "public" with TLS and anonymous access, each with a certificate from a
# throw-away CA, and the test images pushed to them, so a pull in the tests is a real one.

REG="$DIR/registry"
REGISTRY_CA_SUBJECT="Shop-Manager test bed CA"
# Basic auth over TLS, from the registry's own htpasswd file (distribution reads bcrypt entries only).
REGISTRY_USER=shopmgr-ci
REGISTRY_REPO=shopmgr/busybox
# Oldest first: made from the test image in this order, so each is its own image and 2.0 the newest.
REGISTRY_TAGS=(1.0 1.1 2.0)
# No httpd in it: the container starts, but a template's `wget http://127.0.0.1:8080/` health check fails.
UNHEALTHY_TAG=unhealthy
PUBLIC_IMAGE="$REGISTRY_ADDR:$PUBLIC_REGISTRY_PORT/$REGISTRY_REPO:test"

registry_openssl() { # args...: openssl, its complaints into the certificates' log
  openssl "$@" >>"$DIR/registry-certs.log" 2>&1 || fail "registry" "openssl $1 failed" "$DIR/registry-certs.log"
}

# The registries' address: on a veth link of the test bed's own (RFC 2544's benchmark range, never routed), not on
# loopback, because Docker Engine counts every loopback registry as insecure: it would skip checking the CA and,
# after an HTTPS refusal, retry over plain HTTP and report that attempt's error instead ("Client sent an HTTP
# request to an HTTPS server" where a real host says "no basic auth credentials"). Local to this machine all the same.
REGISTRY_LINK=smtb-reg0

registry_link() {
  if ! ip -o addr show dev "$REGISTRY_LINK" 2>/dev/null | grep -qF " $REGISTRY_ADDR/"; then
    ip link del "$REGISTRY_LINK" 2>/dev/null || true
    ip link add "$REGISTRY_LINK" type veth peer name "${REGISTRY_LINK%0}1" \
      || fail "registry" "could not make the veth link $REGISTRY_LINK (ip link add … type veth)"
    ip addr add "$REGISTRY_ADDR/32" dev "$REGISTRY_LINK" || fail "registry" "could not give $REGISTRY_LINK the address $REGISTRY_ADDR"
  fi
  ip link set "$REGISTRY_LINK" up && ip link set "${REGISTRY_LINK%0}1" up || fail "registry" "could not bring $REGISTRY_LINK up"
}

registry_unlink() {
  ip link del "$REGISTRY_LINK" 2>/dev/null || true
}

# The CA is made once per state directory, the server certificate ($REGISTRY_ADDR, 127.0.0.1 and localhost) signed
# by it; either is made again when missing, within a day of its end, or not for the registries' address.
registry_certs() {
  mkdir -p "$REG"
  chmod 755 "$REG"
  if [[ ! -s "$REG/ca.key" ]] || ! openssl x509 -checkend 86400 -noout -in "$REG/ca.crt" >/dev/null 2>&1; then
    rm -f "$REG/ca.key" "$REG/ca.crt" "$REG/server.key" "$REG/server.crt"
    (umask 077 && registry_openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$REG/ca.key")
    registry_openssl req -x509 -new -key "$REG/ca.key" -sha256 -days 3650 -subj "/CN=$REGISTRY_CA_SUBJECT" \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -out "$REG/ca.crt"
    chmod 644 "$REG/ca.crt"
  fi
  if [[ ! -s "$REG/server.key" ]] || ! openssl x509 -checkend 86400 -noout -in "$REG/server.crt" >/dev/null 2>&1 \
    || ! openssl verify -CAfile "$REG/ca.crt" "$REG/server.crt" >/dev/null 2>&1 \
    || ! openssl x509 -noout -ext subjectAltName -in "$REG/server.crt" 2>/dev/null | grep -qF "IP Address:$REGISTRY_ADDR"; then
    rm -f "$REG/server.key" "$REG/server.crt"
    (umask 077 && registry_openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$REG/server.key")
    registry_openssl req -new -key "$REG/server.key" -subj "/CN=$REGISTRY_ADDR" -out "$REG/server.csr"
    printf '%s\n' 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature' \
      'extendedKeyUsage=serverAuth' "subjectAltName=IP:$REGISTRY_ADDR,IP:127.0.0.1,DNS:localhost" \
      'subjectKeyIdentifier=hash' 'authorityKeyIdentifier=keyid' >"$REG/server.ext"
    registry_openssl x509 -req -in "$REG/server.csr" -CA "$REG/ca.crt" -CAkey "$REG/ca.key" \
      -set_serial "0x$(openssl rand -hex 16)" -sha256 -days 365 -extfile "$REG/server.ext" -out "$REG/server.crt"
    chmod 644 "$REG/server.crt"
    rm -f "$REG/server.csr" "$REG/server.ext"
  fi
}

# A random password made once per state directory; the htpasswd file is made again when it does not match.
registry_htpasswd() {
  command -v htpasswd >/dev/null || fail "registry" "htpasswd not found (apt-get install apache2-utils, or run test/testbed/install.sh)"
  if [[ ! -s "$REG/password" ]]; then
    (umask 077 && openssl rand -hex 16 | tr -d '\n' >"$REG/password")
  fi
  htpasswd -v -i "$REG/htpasswd" "$REGISTRY_USER" <"$REG/password" >/dev/null 2>&1 && return 0
  (umask 077 && htpasswd -c -B -i "$REG/htpasswd" "$REGISTRY_USER" <"$REG/password" >/dev/null 2>&1) \
    || fail "registry" "htpasswd could not write $REG/htpasswd"
}

registry_config() { # name, port, auth (1 or 0)
  # The inputs read only at start-up, by their checksums: a new certificate or password restarts the registry.
  echo "# Generated by test/testbed/testbed.sh; certificate $(sha256sum <"$REG/server.crt" | cut -c1-16)"
  ((!$3)) || echo "# htpasswd $(sha256sum <"$REG/htpasswd" | cut -c1-16)"
  cat <<YAML
version: 0.1
log:
  level: info
  formatter: text
storage:
  filesystem:
    rootdirectory: $REG/$1-data
  delete:
    enabled: true
http:
  addr: $REGISTRY_ADDR:$2
  tls:
    certificate: $REG/server.crt
    key: $REG/server.key
YAML
  ((!$3)) || cat <<YAML
auth:
  htpasswd:
    realm: shopmgr-testbed
    path: $REG/htpasswd
YAML
}

# The status code of an anonymous GET /v2/ (000: no TLS answer).
registry_answer() { # port
  curl -s -o /dev/null -w '%{http_code}' --max-time 2 --cacert "$REG/ca.crt" "https://$REGISTRY_ADDR:$1/v2/" 2>/dev/null || true
}

start_registry() { # name, port, auth (1 or 0), the variable that sets its port
  local name="$1" port="$2" conf="$REG/$1.yml" pidf="$DIR/registry-$1.pid" log="$DIR/registry-$1.log" want=200
  ((!$3)) || want=401
  command -v docker-registry >/dev/null || fail "registry ($name)" "docker-registry not found (run test/testbed/install.sh)"
  registry_config "$name" "$port" "$3" >"$conf.new"
  chmod 600 "$conf.new"
  if ! cmp -s "$conf.new" "$conf"; then
    mv "$conf.new" "$conf"
    stop_pid "$pidf" docker-registry 5
  else
    rm -f "$conf.new"
  fi
  if our_pid "$pidf" docker-registry >/dev/null; then
    [[ "$(registry_answer "$port")" == "$want" ]] && return 0
    stop_pid "$pidf" docker-registry 5
  fi
  timeout 1 bash -c "exec 3<>/dev/tcp/$REGISTRY_ADDR/$port" 2>/dev/null && fail "registry ($name)" "port $REGISTRY_ADDR:$port is taken by another program (set $4)"
  mkdir -p "$REG/$name-data"
  setsid docker-registry serve "$conf" </dev/null >>"$log" 2>&1 9>&- &
  local pid=$! i code=
  echo "$pid" >"$pidf"
  for ((i = 0; i < 100; i++)); do
    code="$(registry_answer "$port")"
    [[ "$code" == "$want" ]] && return 0
    alive "$pid" || fail "registry ($name)" "docker-registry exited during start-up" "$log"
    sleep 0.1
  done
  fail "registry ($name)" "GET https://$REGISTRY_ADDR:$port/v2/ answered ${code:-nothing} after 10 s, not $want" "$log"
}

# The engine checks the registries' certificates against this CA, as a real host checks an in-house registry's
# (certs.d). The app's own HTTPS client (tag lists) needs the CA file too: testbed.json names it.
registry_trust() {
  local port
  for port in "$REGISTRY_PORT" "$PUBLIC_REGISTRY_PORT"; do
    mkdir -p "/etc/docker/certs.d/$REGISTRY_ADDR:$port"
    cmp -s "$REG/ca.crt" "/etc/docker/certs.d/$REGISTRY_ADDR:$port/ca.crt" || cp "$REG/ca.crt" "/etc/docker/certs.d/$REGISTRY_ADDR:$port/ca.crt"
  done
}

# Only a CA of a test bed is removed, even when the state directory (and its copy of the CA) is gone.
registry_untrust() {
  local port d
  for port in "$REGISTRY_PORT" "$PUBLIC_REGISTRY_PORT"; do
    d="/etc/docker/certs.d/$REGISTRY_ADDR:$port"
    [[ -f "$d/ca.crt" ]] || continue
    if openssl x509 -noout -subject -in "$d/ca.crt" 2>/dev/null | grep -qF "CN = $REGISTRY_CA_SUBJECT"; then
      rm -f "$d/ca.crt"
      rmdir "$d" 2>/dev/null || true
    else
      note "leaving $d/ca.crt: not a test bed CA"
    fi
  done
}

start_registries() {
  registry_link
  registry_certs
  registry_htpasswd
  start_registry private "$REGISTRY_PORT" 1 SHOPMGR_REGISTRY_PORT
  start_registry public "$PUBLIC_REGISTRY_PORT" 0 SHOPMGR_PUBLIC_REGISTRY_PORT
  registry_trust
}

stop_registries() {
  stop_pid "$DIR/registry-private.pid" docker-registry 5
  stop_pid "$DIR/registry-public.pid" docker-registry 5
}

# `test` is the imported test image itself; the other tags are made from it, in order, a second apart, so
# their creation times differ. Made again when one is missing or was made from an earlier test image.
build_registry_images() { # id of the test image
  local tag cid stale=0 repo="$REGISTRY_ADDR:$REGISTRY_PORT/$REGISTRY_REPO"
  for tag in "${REGISTRY_TAGS[@]}" "$UNHEALTHY_TAG"; do
    [[ "$(docker image inspect -f '{{index .Config.Labels "shopmgr.testbed.base"}}' "$repo:$tag" 2>/dev/null)" == "$1" ]] || stale=1
  done
  ((stale)) || return 0
  for tag in "${REGISTRY_TAGS[@]}" "$UNHEALTHY_TAG"; do
    if [[ "$tag" == "$UNHEALTHY_TAG" ]]; then
      cid="$(docker create "$IMAGE" rm /bin/httpd)" && docker start -a "$cid" >/dev/null
    else
      cid="$(docker create "$IMAGE")"
    fi || fail "registry images" "could not make a container from $IMAGE" "$DIR/dockerd.log"
    docker commit -c 'CMD ["/bin/sh"]' -c "LABEL shopmgr.testbed.base=$1 shopmgr.testbed.tag=$tag" "$cid" "$repo:$tag" >/dev/null \
      || fail "registry images" "docker commit of $repo:$tag failed" "$DIR/dockerd.log"
    docker rm "$cid" >/dev/null
    [[ "$tag" == "$UNHEALTHY_TAG" ]] || sleep 1
  done
}

registry_refs() {
  local tag
  for tag in test "${REGISTRY_TAGS[@]}" "$UNHEALTHY_TAG"; do echo "$REGISTRY_ADDR:$REGISTRY_PORT/$REGISTRY_REPO:$tag"; done
  echo "$PUBLIC_IMAGE"
}

# The manifest digest a registry serves for an image reference of the test bed, or nothing.
served_digest() { # <address>:<port>/<repository>:<tag>
  local host="${1%%/*}" path="${1#*/}" auth=
  # The credentials go on stdin (curl's -K -), not on its command line.
  [[ "$host" != "$REGISTRY_ADDR:$REGISTRY_PORT" ]] || auth="$(printf 'user = "%s:%s"' "$REGISTRY_USER" "$(cat "$REG/password")")"
  curl -s -I --max-time 5 --cacert "$REG/ca.crt" -K - \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "https://$host/v2/${path%:*}/manifests/${path##*:}" <<<"$auth" \
    | tr -d '\r' | awk 'tolower($1) == "docker-content-digest:" {print $2}'
}

# What the registries serve, made from which test image: equal to what the last push left in $REG/pushed, or
# the images are pushed again.
registry_served() { # id of the test image
  local ref
  echo "made from $1"
  while read -r ref; do echo "$ref $(served_digest "$ref")"; done < <(registry_refs)
}

# Pushes image references to the registries, logged in through a client configuration of the test bed's own, so
# no credential lands in root's ~/.docker; logged out again afterwards.
push_refs() { # refs...
  local ref cfg="$DIR/docker-client-config" log="$DIR/registry-push.log"
  mkdir -p "$cfg"
  chmod 700 "$cfg"
  docker --config "$cfg" login -u "$REGISTRY_USER" --password-stdin "$REGISTRY_ADDR:$REGISTRY_PORT" <"$REG/password" >>"$log" 2>&1 \
    || fail "registry" "docker login to $REGISTRY_ADDR:$REGISTRY_PORT failed" "$log"
  for ref in "$@"; do
    if ! docker --config "$cfg" push "$ref" >>"$log" 2>&1; then
      docker --config "$cfg" logout "$REGISTRY_ADDR:$REGISTRY_PORT" >/dev/null 2>&1 || true
      fail "registry" "docker push $ref failed" "$log"
    fi
  done
  docker --config "$cfg" logout "$REGISTRY_ADDR:$REGISTRY_PORT" >>"$log" 2>&1 || true
}

# Images a test removed locally stay removed while the registries serve them.
push_registry_images() {
  local base refs
  base="$(docker image inspect -f '{{.Id}}' "$IMAGE")" || fail "registry images" "$IMAGE is missing"
  [[ -s "$REG/pushed" && "$(registry_served "$base")" == "$(cat "$REG/pushed")" ]] && return 0
  build_registry_images "$base"
  docker tag "$IMAGE" "$PUBLIC_IMAGE"
  mapfile -t refs < <(registry_refs)
  push_refs "${refs[@]}"
  registry_served "$base" >"$REG/pushed"
  ! grep -q ' $' "$REG/pushed" || fail "registry" "pushed, but a registry does not serve $(grep ' $' "$REG/pushed" | head -n1)" "$DIR/registry-push.log"
}

registry_status() { # prints one line per registry; returns the number of registries down
  local down=0 name port want pid who
  for name in private public; do
    if [[ $name == private ]]; then
      port="$REGISTRY_PORT" want=401 who="user $REGISTRY_USER"
    else
      port="$PUBLIC_REGISTRY_PORT" want=200 who=anonymous
    fi
    if pid="$(our_pid "$DIR/registry-$name.pid" docker-registry)" && [[ "$(registry_answer "$port")" == "$want" ]]; then
      echo "registry up    pid $pid, $name, https://$REGISTRY_ADDR:$port ($who)"
    else
      echo "registry down  $name, $REGISTRY_ADDR:$port"; down=$((down + 1))
    fi
  done
  return "$down"
}

registry_json() { # the "registry" member of testbed.json
  local tags
  tags="$(printf '"%s", ' "${REGISTRY_TAGS[@]}")"
  cat <<JSON
  "registry": {
    "caFile": $(json_str "$REG/ca.crt"),
    "private": {
      "host": $(json_str "$REGISTRY_ADDR:$REGISTRY_PORT"),
      "username": $(json_str "$REGISTRY_USER"),
      "password": $(json_str "$(cat "$REG/password")"),
      "repository": $(json_str "$REGISTRY_REPO"),
      "tags": [${tags%, }],
      "unhealthyTag": $(json_str "$UNHEALTHY_TAG")
    },
    "public": {
      "host": $(json_str "$REGISTRY_ADDR:$PUBLIC_REGISTRY_PORT"),
      "repository": $(json_str "$REGISTRY_REPO")
    }
  },
JSON
}
