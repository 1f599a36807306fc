# shellcheck shell=bash
# The test bed's database image, sourced by testbed.sh (whose fail, note, DIR, REG, REGISTRY_* it uses): this
# machine's PostgreSQL 15 (its binaries, lib and share directories at Debian's paths, with every library ldd lists)
# and the static busybox, imported as one rootfs and pushed to the private registry. `pg-entry` starts a database
# (initdb on an empty volume, the password from POSTGRES_PASSWORD); the same image runs the pg-shop fixture's small
# app (busybox httpd CGI scripts that use psql over the shop network) and its web entry.
PG_IMAGE="$REGISTRY_ADDR:$REGISTRY_PORT/shopmgr/pg:test"
# The pg-shop's app service runs an image of its own, so an image update moves the app and not the database:
# 1.0 is the database image itself, "broken" the same without its health endpoint (the health check gets 404).
PG_APP_REPO="$REGISTRY_ADDR:$REGISTRY_PORT/shopmgr/pg-app"
PG_APP_BROKEN_TAG=broken
PG_IMAGE_RECIPE=2 # bump when the rootfs below changes
PG_ROOT=/usr/lib/postgresql/15

# Each executable's libraries, copied to their own paths under the rootfs.
pg_copy_libs() { # rootfs, executables...
  local root="$1" lib; shift
  for lib in $(ldd "$@" 2>/dev/null | grep "^\s" | grep -o '/[^ ]*' | sort -u); do
    [[ -e "$root$lib" ]] && continue
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}

pg_image_scripts() { # rootfs
  local root="$1"
  mkdir -p "$root/usr/local/bin" "$root/srv/app/cgi-bin" "$root/srv/web/cgi-bin" "$root/srv/web/static" "$root/srv/web/media"
  # Trust only on the local socket (the health check and the entrypoint's own set-up); the shop network logs in
  # with the password, as scram-sha-256. initdb skips its final sync (seconds on a busy disk, for files the
  # server's first checkpoint writes out anyway); the server itself keeps fsync on.
  cat >"$root/usr/local/bin/pg-entry" <<'SH'
#!/bin/sh
set -e
: "${PGDATA:=/var/lib/postgresql/data}"
: "${POSTGRES_USER:=shop}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  [ -n "$POSTGRES_PASSWORD" ] || { echo "pg-entry: POSTGRES_PASSWORD is empty" >&2; exit 1; }
  pw=/tmp/pg-entry.pw
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pw"
  initdb -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$pw" --auth-local=trust --auth-host=scram-sha-256 --no-sync \
    --encoding=UTF8 --locale=C >/tmp/initdb.log 2>&1 || { cat /tmp/initdb.log >&2; exit 1; }
  rm -f "$pw"
  printf 'host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    postgres --single -D "$PGDATA" postgres >/dev/null <<SQL
CREATE DATABASE "$POSTGRES_DB" OWNER "$POSTGRES_USER";
SQL
  fi
  echo "pg-entry: initialised $PGDATA"
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/tmp "$@"
SH
  # The app: GET items lists the rows, add?name=… inserts one, health answers 200 once `select 1` works.
  cat >"$root/srv/app/cgi-bin/items" <<'SH'
#!/bin/sh
rows="$(psql -XAtq -F ' ' -c 'select id, name from items order by id' 2>&1)" || { printf 'Status: 503\r\nContent-Type: text/plain\r\n\r\n%s\n' "$rows"; exit 0; }
printf 'Content-Type: text/plain\r\n\r\n%s\n' "$rows"
SH
  cat >"$root/srv/app/cgi-bin/add" <<'SH'
#!/bin/sh
q="$QUERY_STRING"
[ "$REQUEST_METHOD" = POST ] && q="$(head -c "${CONTENT_LENGTH:-0}")"
name="$(printf '%s' "$q" | sed -n 's/^\(.*&\)\{0,1\}name=\([^&]*\).*/\2/p' | sed 's/+/ /g')"
name="$(httpd -d "$name")"
[ -n "$name" ] || { printf 'Status: 400\r\nContent-Type: text/plain\r\n\r\nname missing\n'; exit 0; }
# psql interpolates :'name' (quoted as a literal) only in what it reads, not in -c.
id="$(echo "insert into items(name) values (:'name') returning id" | psql -XAtq -v "name=$name" 2>&1)" \
  || { printf 'Status: 503\r\nContent-Type: text/plain\r\n\r\n%s\n' "$id"; exit 0; }
printf 'Content-Type: text/plain\r\n\r\n%s\n' "$id"
SH
  cat >"$root/srv/app/cgi-bin/health" <<'SH'
#!/bin/sh
if out="$(psql -XAtq -c 'select 1' 2>&1)" && [ "$out" = 1 ]; then
  printf 'Content-Type: text/plain\r\n\r\nok\n'
else
  printf 'Status: 503\r\nContent-Type: text/plain\r\n\r\n%s\n' "$out"
fi
SH
  # The entry: static files from its read-only volumes, and the app's rows passed through.
  cat >"$root/srv/web/cgi-bin/items" <<'SH'
#!/bin/sh
if body="$(wget -q -O - "http://${APP_HOST:-app}:8080/cgi-bin/items" 2>&1)"; then
  printf 'Content-Type: text/plain\r\n\r\n%s\n' "$body"
else
  printf 'Status: 502\r\nContent-Type: text/plain\r\n\r\n%s\n' "$body"
fi
SH
  chmod 755 "$root/usr/local/bin/pg-entry" "$root"/srv/app/cgi-bin/* "$root"/srv/web/cgi-bin/*
}

build_pg_image() {
  local have old root="$DIR/pg-image-rootfs" applet bin
  have="$(docker image inspect -f '{{index .Config.Labels "shopmgr.testbed.recipe"}}' "$PG_IMAGE" 2>/dev/null || true)"
  [[ "$have" == "$PG_IMAGE_RECIPE" ]] && return 0
  [[ -x "$PG_ROOT/bin/postgres" ]] || fail "pg image" "$PG_ROOT/bin/postgres is missing (apt-get install postgresql-15)"
  [[ -x /bin/busybox ]] || fail "pg image" "/bin/busybox is missing (apt-get install busybox-static)"
  old="$(docker image inspect -f '{{.Id}}' "$PG_IMAGE" 2>/dev/null || true)"
  rm -rf "$root"
  mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/var/lib/postgresql/data" "$root$PG_ROOT/bin" "$root/usr/share/postgresql"
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [[ "$applet" == busybox ]] || ln -sf busybox "$root/bin/$applet"
  done
  for bin in postgres initdb pg_ctl pg_isready psql pg_amcheck; do
    [[ -x "$PG_ROOT/bin/$bin" ]] || { [[ $bin == pg_amcheck ]] && continue; fail "pg image" "$PG_ROOT/bin/$bin is missing"; }
    cp "$PG_ROOT/bin/$bin" "$root$PG_ROOT/bin/$bin"
  done
  # The server's own modules (plpgsql, amcheck, the snowball dictionaries initdb loads), without LLVM bitcode.
  mkdir -p "$root$PG_ROOT/lib"
  cp "$PG_ROOT"/lib/*.so "$root$PG_ROOT/lib/"
  cp -r /usr/share/postgresql/15 "$root/usr/share/postgresql/15"
  rm -rf "$root/usr/share/postgresql/15/man"
  pg_copy_libs "$root" "$root$PG_ROOT"/bin/* "$root$PG_ROOT"/lib/*.so
  printf 'root:x:0:0:root:/root:/bin/sh\npostgres:x:999:999:PostgreSQL:/var/lib/postgresql:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\npostgres:x:999:\nnogroup:x:65534:\n' >"$root/etc/group"
  pg_image_scripts "$root"
  # A new named volume takes the ownership of the directory it is mounted on: the data and the web's volumes are 999's.
  chown -R 999:999 "$root/var/lib/postgresql" "$root/srv"
  chmod 700 "$root/var/lib/postgresql/data"
  tar -C "$root" -c . | docker import \
    -c 'CMD ["/usr/local/bin/pg-entry"]' -c "ENV PATH=$PG_ROOT/bin:/usr/local/bin:/bin" -c 'ENV PGDATA=/var/lib/postgresql/data' \
    -c 'USER postgres' -c 'WORKDIR /' -c "LABEL shopmgr.testbed.recipe=$PG_IMAGE_RECIPE" - "$PG_IMAGE" >/dev/null \
    || fail "pg image" "docker import of $PG_IMAGE failed" "$DIR/dockerd.log"
  rm -rf "$root"
  [[ -z "$old" ]] || docker rmi "$old" >/dev/null 2>&1 || true
  docker run --rm "$PG_IMAGE" sh -c 'postgres --version && psql --version && pg_isready --version' >/dev/null 2>&1 \
    || fail "pg image" "a container from $PG_IMAGE does not run postgres --version" "$DIR/dockerd.log"
}

build_pg_app_images() {
  local base
  base="$(docker image inspect -f '{{.Id}}' "$PG_IMAGE")" || fail "pg image" "$PG_IMAGE is missing"
  docker tag "$PG_IMAGE" "$PG_APP_REPO:1.0" || fail "pg image" "docker tag $PG_APP_REPO:1.0 failed"
  [[ "$(docker image inspect -f '{{index .Config.Labels "shopmgr.testbed.base"}}' "$PG_APP_REPO:$PG_APP_BROKEN_TAG" 2>/dev/null)" == "$base" ]] && return 0
  printf 'FROM %s\nRUN rm /srv/app/cgi-bin/health\nLABEL shopmgr.testbed.base=%s\n' "$PG_IMAGE" "$base" \
    | docker build -q -t "$PG_APP_REPO:$PG_APP_BROKEN_TAG" - >/dev/null 2>>"$DIR/dockerd.log" \
    || fail "pg image" "docker build of $PG_APP_REPO:$PG_APP_BROKEN_TAG failed" "$DIR/dockerd.log"
  # The images of an earlier recipe, untagged now (each carries the recipe label; unused ones only).
  docker image prune -f --filter label=shopmgr.testbed.recipe >/dev/null 2>&1 || true
}

pg_refs() { echo "$PG_IMAGE" "$PG_APP_REPO:1.0" "$PG_APP_REPO:$PG_APP_BROKEN_TAG"; }

# What the private registry serves of the database images, made from which local ones.
pg_served() {
  local ref
  for ref in $(pg_refs); do echo "$ref $(docker image inspect -f '{{.Id}}' "$ref" 2>/dev/null) $(served_digest "$ref")"; done
}

# Pushed when the private registry does not serve what the last push left in $REG/pushed-pg.
push_pg_images() {
  build_pg_app_images
  [[ -s "$REG/pushed-pg" && "$(pg_served)" == "$(cat "$REG/pushed-pg")" ]] && return 0
  # shellcheck disable=SC2046 # one word per reference
  push_refs $(pg_refs)
  pg_served >"$REG/pushed-pg"
  ! grep -q ' $' "$REG/pushed-pg" || fail "registry" "pushed, but the registry does not serve $(grep ' $' "$REG/pushed-pg" | head -n1)" "$DIR/registry-push.log"
}
