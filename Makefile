# csmetrics: `make demo`, `make test`, `make bench`. Every target sets up what it needs first
# (scripts/setup.sh) and skips what is already done.

# The server to install into and run: any PostgreSQL 15, 16, 17 or 18 (see README,
# Installation). The build uses pgrx's feature for PG_CONFIG's major version and that server's
# headers (BUILD_PG_CONFIG), except that a 15 builds against Debian's 15 headers when they are
# installed: `cargo pgrx test` uses those, and one set of headers per major keeps one build.
SYSTEM_PG_CONFIG := /usr/lib/postgresql/15/bin/pg_config
PG_CONFIG   ?= $(SYSTEM_PG_CONFIG)
PG_MAJOR    := $(shell $(PG_CONFIG) --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')
ifeq ($(PG_MAJOR),15)
BUILD_PG_CONFIG ?= $(if $(wildcard $(SYSTEM_PG_CONFIG)),$(SYSTEM_PG_CONFIG),$(PG_CONFIG))
else
BUILD_PG_CONFIG ?= $(PG_CONFIG)
endif
# pgrx's build reads the headers of the pg_config named by PGRX_PG_CONFIG_PATH, or else of the
# one `cargo pgrx init` recorded for that major (~/.pgrx/config.toml, which holds only 15).
BUILD_ENV    = $(if $(filter $(SYSTEM_PG_CONFIG),$(BUILD_PG_CONFIG)),,PGRX_PG_CONFIG_PATH=$(BUILD_PG_CONFIG))
PG_BIN      := $(shell dirname $(PG_CONFIG))
PKGLIBDIR    = $(shell $(PG_CONFIG) --pkglibdir)
SHAREDIR     = $(shell $(PG_CONFIG) --sharedir)
PG_REGRESS   = $(shell $(PG_CONFIG) --pgxs | xargs dirname)/../test/regress/pg_regress
# release for users and benchmarks; `make test-regress PROFILE=dev` builds faster.
PROFILE     ?= release

DEMO_DIR    ?= /tmp/csmetrics-demo
DEMO_PORT   ?= 54330
TEST_DIR    ?= /tmp/csmetrics-test
TEST_PORT   ?= 54331
BENCH_DIR   ?= /tmp/csmetrics-bench
BENCH_PORT  ?= 54332
N           ?= 10000000

SOURCES := Cargo.toml csmetrics.control $(shell find src sql -type f)
PKG_DIR   := target/package-$(PROFILE)$(if $(filter-out 15,$(PG_MAJOR)),-pg$(PG_MAJOR))
INSTALLED  = target/.installed-$(PROFILE)$(subst /,_,$(PKGLIBDIR))
# Install scripts of released versions, kept as they were shipped: `CREATE EXTENSION csmetrics
# VERSION '0.1.0'` and the upgrade test need them, and pgrx only writes the current one.
RELEASED_SCRIPTS := $(wildcard sql/released/*.sql)

PSQL_DEMO = $(PG_BIN)/psql -X -q -h $(DEMO_DIR) -p $(DEMO_PORT) -U postgres
PSQL_TEST = $(PG_BIN)/psql -X -q -h $(TEST_DIR) -p $(TEST_PORT) -U postgres

.PHONY: setup sql install demo demo-stop test test-rust test-regress test-clients bench package \
        test-package load clean test-versions test-citus test-bi

setup:
	@scripts/setup.sh

# Regenerate the SQL written once elsewhere (scripts/gen-sql.py): the equality/hash blocks of
# the family files from sql/templates/, and the upgrade script from the last release. Commit
# the result. `install` only checks, so the build never rewrites a tracked file (and cannot
# touch an upgrade script that was frozen by a release); a stale file stops it with a hint.
sql:
	@python3 scripts/gen-sql.py

# Build the package tree (cargo pgrx package) and copy it into PG_CONFIG's server; redone only
# when a source changed or the library is missing or was replaced (cargo pgrx test installs a
# debug build over it).
install: setup
	@python3 scripts/gen-sql.py --check
	@if [ ! -f $(PKGLIBDIR)/csmetrics.so ] || [ ! -f $(INSTALLED) ] \
	    || [ -n "$$(find $(SOURCES) -newer $(INSTALLED) 2>/dev/null | head -1)" ] \
	    || [ $(PKGLIBDIR)/csmetrics.so -nt $(INSTALLED) ]; then \
	    echo "install: building csmetrics ($(PROFILE), PostgreSQL $(PG_MAJOR)) and installing it into $(PKGLIBDIR)"; \
	    mkdir -p target && \
	    $(BUILD_ENV) cargo pgrx package --profile $(PROFILE) --pg-config $(BUILD_PG_CONFIG) --out-dir $(PKG_DIR) \
	        >target/install.log 2>&1 || { cat target/install.log; exit 1; }; \
	    install -m 755 $(PKG_DIR)$$($(BUILD_PG_CONFIG) --pkglibdir)/csmetrics.so $(PKGLIBDIR)/ && \
	    install -m 644 $(PKG_DIR)$$($(BUILD_PG_CONFIG) --sharedir)/extension/csmetrics* \
	        $(RELEASED_SCRIPTS) $(SHAREDIR)/extension/ && \
	    touch $(INSTALLED); \
	fi

demo: install
	@PGBIN=$(PG_BIN) scripts/cluster.sh start $(DEMO_DIR) $(DEMO_PORT)
	@$(PSQL_DEMO) -d postgres -tA -c "SELECT 1 FROM pg_database WHERE datname = 'csmetrics_demo'" | grep -q 1 \
	    || $(PG_BIN)/createdb -h $(DEMO_DIR) -p $(DEMO_PORT) -U postgres csmetrics_demo
	@$(PSQL_DEMO) -d csmetrics_demo -v ON_ERROR_STOP=1 -f demo/setup.sql
	@$(PSQL_DEMO) -d csmetrics_demo -v ON_ERROR_STOP=1 -P pager=off -f demo/report.sql
	@echo
	@echo "Open psql on the demo database with:"
	@echo "    $(PG_BIN)/psql -h $(DEMO_DIR) -p $(DEMO_PORT) -U postgres csmetrics_demo"
	@echo "Stop it with: make demo-stop"

demo-stop:
	@PGBIN=$(PG_BIN) scripts/cluster.sh stop $(DEMO_DIR)

test: test-rust test-regress test-clients
	@PGBIN=$(PG_BIN) scripts/cluster.sh stop $(TEST_DIR)
	@echo "make test: all suites passed"

# Rust unit tests of the maths and #[pg_test] tests, in one `cargo pgrx test` run.
test-rust: setup
	cargo pgrx test pg15 --runas postgres --pgdata $(TEST_DIR)-pgrx

# pg_regress against a fresh throwaway cluster (cargo pgrx regress cannot run as root).
test-regress: install
	@PGBIN=$(PG_BIN) scripts/cluster.sh stop $(TEST_DIR); rm -rf $(TEST_DIR)
	@PGBIN=$(PG_BIN) scripts/cluster.sh start $(TEST_DIR) $(TEST_PORT)
	$(PG_REGRESS) --host=$(TEST_DIR) --port=$(TEST_PORT) --user=postgres --bindir=$(PG_BIN) \
	    --inputdir=tests/pg_regress --outputdir=tests/pg_regress --dbname=csmetrics_regress --load-extension=csmetrics \
	    --schedule=tests/pg_regress/schedule \
	    || { cat tests/pg_regress/regression.diffs; exit 1; }

# psycopg 3 and pgjdbc, the way BI tools connect, plus every example of README.md and docs/.
CLIENT_TESTS ?= tests/clients
test-clients: install
	@PGBIN=$(PG_BIN) scripts/cluster.sh start $(TEST_DIR) $(TEST_PORT)
	CSM_PGHOST=$(TEST_DIR) CSM_PGPORT=$(TEST_PORT) CSM_PGBIN=$(PG_BIN) .venv/bin/pytest -q $(CLIENT_TESTS)

# Superset, pandas and dbt against the test cluster (scripts/test-bi.sh): the first run installs
# Superset and the tools into .venv-bi (about 1.2 GB), later runs reuse it.
SUPERSET_PORT ?= 54338
test-bi: install
	@scripts/test-bi.sh $(PG_BIN) $(TEST_DIR) $(TEST_PORT) $(SUPERSET_PORT)

# The survey family at N answers, then each family's benchmark at SCALE (1 = the sizes
# bench/RESULTS.md quotes, 10M rows; smaller for a quicker look). FAMILIES= narrows it.
SCALE    ?= 1
FAMILIES ?= survey customer revenue health engagement
bench: install
	@PGBIN=$(PG_BIN) scripts/cluster.sh start $(BENCH_DIR) $(BENCH_PORT)
	@for f in $(FAMILIES); do \
	    if [ $$f = survey ]; then \
	        CSM_PGHOST=$(BENCH_DIR) CSM_PGPORT=$(BENCH_PORT) .venv/bin/python bench/bench.py --rows $(N) || exit 1; \
	    elif [ -f bench/$$f.py ]; then \
	        CSM_PGHOST=$(BENCH_DIR) CSM_PGPORT=$(BENCH_PORT) .venv/bin/python bench/$$f.py --scale $(SCALE) || exit 1; \
	    fi; \
	done

# pgbench, 8 clients for 60 s, over every KPI query in bench/load/ on the demo database: no
# failed transaction, and the backends' memory flat (printed after 5 s and at the end).
load: install
	@PGBIN=$(PG_BIN) scripts/cluster.sh start $(DEMO_DIR) $(DEMO_PORT)
	@$(PSQL_DEMO) -d postgres -tA -c "SELECT 1 FROM pg_database WHERE datname = 'csmetrics_demo'" | grep -q 1 \
	    || $(PG_BIN)/createdb -h $(DEMO_DIR) -p $(DEMO_PORT) -U postgres csmetrics_demo
	@$(PSQL_DEMO) -d csmetrics_demo -v ON_ERROR_STOP=1 -f demo/setup.sql
	.venv/bin/python bench/load.py --host $(DEMO_DIR) --port $(DEMO_PORT) --pgbin $(PG_BIN)

# A Debian package of the release build: target/postgresql-15-csmetrics_<version>_amd64.deb.
package: install
	@scripts/package-deb.sh $(PKG_DIR) target

# Installs that package with apt-get into the system PostgreSQL and creates the extension from
# it in a throwaway cluster. Runs on its own: it changes the machine's packages.
test-package: package
	@DEB=$$(ls -t target/postgresql-15-csmetrics_*.deb | head -1); \
	    echo "test-package: apt-get install ./$$DEB"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --reinstall ./$$DEB >/dev/null && \
	    dpkg -L postgresql-15-csmetrics | grep -E 'csmetrics(\.so|.*\.sql|\.control)$$'
	@rm -f $(INSTALLED)
	@scripts/cluster.sh stop /tmp/csmetrics-package; rm -rf /tmp/csmetrics-package
	@scripts/cluster.sh start /tmp/csmetrics-package 54333
	@$(PG_BIN)/psql -X -q -h /tmp/csmetrics-package -p 54333 -U postgres -d postgres -v ON_ERROR_STOP=1 \
	    -c "CREATE EXTENSION csmetrics VERSION '0.1.0'" -c "ALTER EXTENSION csmetrics UPDATE" \
	    -c "SELECT extversion, nps(x) FROM pg_extension, (VALUES (10), (9), (0)) AS t(x) WHERE extname = 'csmetrics' GROUP BY 1"
	@scripts/cluster.sh stop /tmp/csmetrics-package
	@echo "test-package: the package installs, creates and upgrades the extension"

clean:
	-@PGBIN=$(PG_BIN) scripts/cluster.sh stop $(DEMO_DIR)
	-@PGBIN=$(PG_BIN) scripts/cluster.sh stop $(TEST_DIR)
	-@PGBIN=$(PG_BIN) scripts/cluster.sh stop $(BENCH_DIR)
	rm -rf $(DEMO_DIR) $(TEST_DIR) $(TEST_DIR)-pgrx $(BENCH_DIR) $(INSTALLED)

# PostgreSQL 16, 17 and 18, fetched by scripts/pg-versions.sh into /opt/csmetrics-pg/NN (15 is
# `make test`'s): for each, build for that major and install into it, then the pg_regress suites
# (an expected file `name_1.out` holds output that legitimately differs by version) and the
# client tests whose subject differs by server version (catalog after upgrades, dump/restore,
# parallel and postgres_fdw plans, error reports), on a throwaway cluster in $(TEST_DIR)-pgNN.
# The `matrix` build profile skips the release profile's fat LTO (see Cargo.toml).
VERSIONS       ?= 16 17 18
MATRIX_PROFILE ?= matrix
VERSION_CLIENT_TESTS ?= $(addprefix tests/clients/,test_upgrade.py test_dump_restore.py \
    test_distributed.py test_revenue_distributed.py test_errors.py test_psycopg.py \
    test_install_security.py test_release.py)
test-versions: setup
	@for v in $(VERSIONS); do \
	    pgc=$$(scripts/pg-versions.sh $$v) || exit 1; \
	    echo "test-versions: PostgreSQL $$v ($$pgc)"; \
	    PGBIN=$$(dirname $$pgc) scripts/cluster.sh stop $(TEST_DIR)-pg$$v; \
	    $(MAKE) --no-print-directory test-regress test-clients PG_CONFIG=$$pgc PROFILE=$(MATRIX_PROFILE) \
	        TEST_DIR=$(TEST_DIR)-pg$$v TEST_PORT=$(TEST_PORT) CLIENT_TESTS="$(VERSION_CLIENT_TESTS)"; \
	    rc=$$?; PGBIN=$$(dirname $$pgc) scripts/cluster.sh stop $(TEST_DIR)-pg$$v; \
	    [ $$rc = 0 ] || exit $$rc; \
	done
	@echo "make test-versions: PostgreSQL $(VERSIONS) passed"

# A Citus cluster per version in CITUS_VERSIONS (coordinator and two workers on unix sockets in
# $(CITUS_DIR)-pgNN, ports CITUS_PORT to CITUS_PORT+2): Citus built from the tarballs in
# ../shared/vendor (or CITUS_VENDOR) and installed into that server, csmetrics installed, then
# tests/citus compares every aggregate and report with the single-node answer and checks which
# aggregates Citus pushes down. 15 is PG_CONFIG's server (the system one unless PG_CONFIG says
# otherwise); 16-18 are scripts/pg-versions.sh's, built with the matrix profile.
CITUS_VERSIONS ?= 15 18
CITUS_DIR      ?= /tmp/csmetrics-citus
CITUS_PORT     ?= 54340
test-citus: setup
	@for v in $(CITUS_VERSIONS); do \
	    if [ $$v = 15 ] && [ "$(PG_MAJOR)" = 15 ]; then pgc=$(PG_CONFIG); profile=$(PROFILE); \
	    else pgc=$$(scripts/pg-versions.sh $$v) || exit 1; profile=$(MATRIX_PROFILE); fi; \
	    bin=$$(dirname $$pgc); \
	    echo "test-citus: PostgreSQL $$v ($$pgc)"; \
	    scripts/citus.sh build $$pgc || exit 1; \
	    $(MAKE) --no-print-directory install PG_CONFIG=$$pgc PROFILE=$$profile || exit 1; \
	    PGBIN=$$bin scripts/citus.sh stop $(CITUS_DIR)-pg$$v; rm -rf $(CITUS_DIR)-pg$$v; \
	    PGBIN=$$bin scripts/citus.sh start $(CITUS_DIR)-pg$$v $(CITUS_PORT) || exit 1; \
	    CSM_CITUS_DIR=$(CITUS_DIR)-pg$$v CSM_CITUS_PORT=$(CITUS_PORT) CSM_PGBIN=$$bin \
	        .venv/bin/pytest -q tests/citus; \
	    rc=$$?; PGBIN=$$bin scripts/citus.sh stop $(CITUS_DIR)-pg$$v; \
	    [ $$rc = 0 ] || exit $$rc; \
	done
	@echo "make test-citus: Citus on PostgreSQL $(CITUS_VERSIONS) passed"
