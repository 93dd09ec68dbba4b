import CanaryKit

/// `canary --help` and `canary help COMMAND`.
enum Help {
    static let version = "canary \(CanaryVersion.number)"

    static let overview = """
    canary — synthetic canaries: HTTP steps with assertions, run through libcurl, recorded to disk.

    Usage:
      canary run PATH... [options]     run canaries once; exit 0 all passed, 1 some failed, 2 bad input
      canary schedule PATH... [options]  run each canary on its schedule until SIGTERM; SIGHUP reloads
      canary validate PATH...          parse and check only; list every problem; exit 0 or 2
      canary list PATH...              name, steps, schedule and next run time of each canary
      canary rules PATH...             Prometheus alerting rules: ALARM, and no run for too long
      canary forget NAME... [--results DIR]   remove a canary's alarm state, metrics and Pushgateway group
      canary report [--results DIR] [-o FILE.html]   one self-contained HTML page of the results
      canary show CANARY [--last-failed|--run RUNID] [--format http|har|json|curl]   one recorded run
      canary diff CANARY [RUN_A RUN_B]   what changed: by default the latest failure against the last pass
      canary baseline CANARY [--run RUNID]   a run's screenshots become the visual baseline
      canary new NAME URL [-o FILE]    a commented canary file for one URL: the fastest start
      canary import curl|har|cloudwatch …   a canary file from a curl command, a HAR, or CloudWatch
      canary schema                    the JSON Schema of the canary file, for editors' completion and checks
      canary help COMMAND              options of one command; canary help --man: the man page (roff)
      canary completion bash|zsh|fish  a completion script for the shell
      canary --version

    PATH is a canary file (*.json, JSON5 accepted) or a folder of them.
    """

    static let run = """
    Usage: canary run PATH... [options]

    Runs every canary in PATH (files, or folders: every *.json directly inside, in name order),
    up to --jobs at once, and records each run under --results.

    Options:
      --var NAME=VALUE     set a variable for every canary (overrides its own); repeatable;
                           one no selected canary uses is an error (a typo)
      --allow-unused-vars  a --var no selected canary uses is a warning on stderr instead
      --junit -            JUnit XML to stdout (console lines then go to stderr)
      --jobs N             canaries run at once (default 32)
      --results DIR        results folder (default ./results)
      --only NAME          run only this canary; repeatable
      --tag KEY=VALUE      run only canaries with this tag; repeatable (all must match)
      --results-mode MODE  mode of result files, octal (default 0600; folders get the search bits)
      --allow-shared-results   write into a results folder other users can change (refused by default)
      --cacert FILE        also trust the CA certificates in this PEM file
      --proxy URL          proxy for requests whose file names none: http://, https://, socks5h://
                           (name resolved at the proxy), env (HTTPS_PROXY, NO_PROXY… as curl) or none
      --no-wait            exit 3 at once if another run holds the results folder
      --lock-timeout D     wait at most D for the results folder's lock, then exit 3 (default 5m)
      --keep N             run folders kept per canary, oldest pruned (default 100)
      --artifacts failed|all|none   which runs get a browsable folder <canary>/<runId>/
                           (default failed); every run's exchanges are kept in exchanges/ unless none
      --retain D           delete run and exchange segments last written more than D ago, with
                           the folders of the runs they recorded (default 30d)
      --max-bytes SIZE     delete the oldest segments and run folders while the results hold
                           more than SIZE (bytes, or 512MB, 1GiB: powers of 1024; default 1GiB)
      --max-snapshot-bytes SIZE  body bytes kept in snapshots and run.har (default 1MiB)
      --max-body-bytes SIZE  a response body past SIZE fails its step (default 64MiB)
      --junit FILE         also write JUnit XML (one testsuite per canary, one testcase per step)
      --pushgateway URL    also push the metrics to a Prometheus Pushgateway (job canary, per canary)
      --otlp URL           also send spans and metrics to an OpenTelemetry collector (OTLP/HTTP
                           JSON to URL/v1/traces and URL/v1/metrics); without it the standard
                           OTEL_EXPORTER_OTLP_* variables are read
      --emf FILE           append CloudWatch embedded-metric-format lines (- for stdout): per run
                           SuccessPercent, Duration, Failed, 2xx, 4xx, 5xx, Failed requests by
                           CanaryName, per step SuccessPercent and Duration by CanaryName, StepName
      --emf-namespace NS   their namespace (default CloudWatchSynthetics)
      --trace FORMATS      trace headers every request carries: w3c (default), xray, b3,
                           comma-separated, or none; over each canary file's `trace`
      --webhook URL        POST every alarm event as JSON; repeatable
      --alertmanager URL   post a CanaryFailing alert to Alertmanager on every run while a canary
                           is in ALARM, resolved when it passes again; repeatable (HA pair)
      --report-url URL     where the HTML report is published: linked from every alert
      --on-alarm PROGRAM   run PROGRAM (the path as given, no shell) with each alarm state change
                           on stdin; --on-alarm-arg ARG (repeatable) passes it arguments
      --on-alarm-arg ARG   an argument for the --on-alarm program; repeatable
      --on-run PROGRAM     the same for run events (--run-events); --on-run-arg ARG
      --on-run-arg ARG     an argument for the --on-run program; repeatable
      --pass-env NAME      a variable those programs (and the browser) get besides PATH, HOME,
                           LANG and TZ; repeatable
      --run-events         emit an event for every finished run, not only on alarm changes
      --sink-timeout D     the whole time a run waits for its sinks (default 5s); the rest
                           stays in the outbox for the next run
      --sink-max-age D     retry undelivered events until they are this old (default 1h)
      --forget-after D     a canary whose file is gone leaves state, metrics and the Pushgateway
                           after D (default 10m), with a 'Canary Removed' event
      --account ID         the "account" field of every event (default empty)
      --screenshots MODE   HTML responses rendered to NN-<step>.png by headless Chromium: failed
                           (default when Chromium is installed: every failing step), all, none
      --screenshot-jobs N  browsers rendering at once (default 2); never holds up other canaries
      --screenshot-timeout D   limit per screenshot (default 30s)
      --browser PATH       the Chromium to use (default: chromium on PATH)
      --browser-jobs N     browser steps' pages open at once in the one Chromium (default 2)
      --shard K/N          only the canaries whose name hashes to shard K of N
      --location NAME      tag every canary location=NAME (records, metrics, events)
      --maintenance FILE   maintenance windows for the fleet (JSON5 list; tags select canaries)
      --report-format F    github (::error annotations, $GITHUB_STEP_SUMMARY), tap[:FILE] or
                           json[:FILE] (stdout without FILE); repeatable
      --fail-fast          after the first failed canary, start no more and cancel the running ones
      --retry N            attempts after a failed one, for every canary (overrides the files)
      --retry-interval D   pause between attempts (default none)
      --timeout D          each attempt's limit, for every canary (overrides the files)
      --vars-file FILE     variables from a JSON5 object or NAME=value lines (--var wins)
      --secrets-file FILE  {{secret.NAME}} values from NAME=value lines; refused if others may read it
      --no-results         record into a temporary folder removed at exit: nothing left behind
      --color WHEN         colour the ✓ ✗ marks: auto (default: on a terminal, unless NO_COLOR
                           is set), always, never
      -v, --verbose        print each request and response (secrets shown as ***)
      -q, --quiet          print only failures, and the summary when one failed (nothing when all pass)

    Exit codes: 0 every canary passed; 1 at least one failed; 2 bad usage, an invalid canary
    file (the valid ones still run) or results that could not be written (read-only, no
    permission, disk full); 3 the results folder stayed busy (--no-wait, --lock-timeout); 4 none failed but
    at least one was inconclusive: the runner itself lacked a file descriptor, local port or
    memory, so the target was not asked (1 wins over 4).
    """

    static let validate = """
    Usage: canary validate PATH... [--var NAME=VALUE]... [--secrets-file FILE]

    Parses and checks every canary file without sending anything: syntax (JSON5), unknown keys,
    types, durations, schedules, regular expressions, JSONPaths and variable names. Lists every
    problem as file:line:column. Exit 0 when all are valid, 2 otherwise.
    """

    static let rules = """
    Usage: canary rules PATH... [--for D] [--only NAME]... [--tag KEY=VALUE]... [--shard K/N]

      --for D              an ALARM must last D before CanaryAlarm and CanaryLocationsFailing fire

    Prints Prometheus alerting rules (YAML) for the canaries' metrics: CanaryAlarm (a canary in
    ALARM, per location), CanaryLocationsFailing (a canary with alarm.locations: {failing: N} in
    ALARM in at least N locations; it has no per-location CanaryAlarm) and CanaryStale (no run
    ended for two intervals of its schedule plus its timeouts: the runner stopped, or cron
    stopped calling). Load them with rule_files; promtool check rules.
    """

    static let forget = """
    Usage: canary forget NAME... [--results DIR] [--pushgateway URL] [--webhook URL]... [--on-alarm PROGRAM]

    Removes canaries that are gone for good now, as a deleted canary file does after --forget-after:
    their alarm state (state.json), metrics (metrics.prom), Pushgateway group (with --pushgateway;
    the group of the location it last ran in), and sends a 'Canary Removed' event
    (events.jsonl and the sinks given). An unknown name is exit 2; exit 3 while another canary
    process (canary schedule) holds the results folder.
    """

    static let list = """
    Usage: canary list PATH... [--var NAME=VALUE]...

    Prints each valid canary's name, number of steps, schedule and next run time (UTC).
    """

    static let report = """
    Usage: canary report [--results DIR] [-o FILE.html] [--trace-url TEMPLATE]

    Writes one self-contained HTML page (default report.html) from the results folder: per canary
    the current status, success rate, uptime over 24 h / 7 d / 30 d, last failure with links to its
    snapshot and (failing canaries) what changed since the last pass, and latency over time
    stacked by phase; above them the incident timeline from the alarm events.
      -o, --output FILE    where the page goes (default report.html)
      --results DIR        results folder (default ./results)
      --trace-url TEMPLATE  link each run's trace id to a tracing backend: {traceId} in TEMPLATE
                           is replaced, as in https://grafana.example/explore?traceId={traceId}
    """

    static let show = """
    Usage: canary show CANARY [--run RUNID | --last | --last-failed | --last-passed] [--attempt N]
                       [--format http|har|json|curl] [--results DIR]

    Prints one recorded run of CANARY (default: its latest, --last): every step's request as sent
    and response as received. Secrets and credential headers stay masked (***); bytes a server
    sent are escaped, never passed to the terminal.
      --run RUNID      that run (a unique prefix of its id will do)
      --last           the latest run (the default)
      --last-failed    the latest failed run
      --last-passed    the latest passed run
      --attempt N      attempt N of a retried run (default: its last attempt kept)
      --format F       http (default): the .http text of each step; har: a standalone HTTP
                       Archive; json: the run's record; curl: one curl command line per step,
                       secrets as "$NAME" references to the environment variables they came from
      --results DIR    results folder (default ./results)

    Exit codes: 0 shown; 2 bad usage, or no such canary or run (with a did-you-mean).
    """

    static let diff = """
    Usage: canary diff CANARY [RUN_A RUN_B] [--results DIR]

    What changed from RUN_A to RUN_B (default: the latest failed run against the last passed run
    before it), step by step: outcome and failure, status, headers added (+), removed (-) and
    changed (~), the body (JSON path by path; text as a unified diff of at most 60 lines), phase
    timings side by side and the certificate (expiry, subject, issuer, names). Masked and escaped
    like `canary show`.

    Exit codes: 0 compared; 2 bad usage, no such canary or run, or no failed run with a passed
    one before it to compare by default.
    """

    static let baseline = """
    Usage: canary baseline CANARY [--run RUNID] [--results DIR]

    Makes the screenshots of one recorded run of CANARY (default: its newest run with screenshots)
    the baseline its `expect.visual` steps are compared with, in DIR/.baselines/CANARY/.
      --run RUNID          that run (a unique prefix of its id will do)
      --results DIR        results folder (default ./results)
    """

    static let schedule = """
    Usage: canary schedule PATH... [options]

    Runs each canary with a "schedule" on it (rate(N unit) or cron(m h dom mon dow), UTC) until
    SIGTERM or SIGINT, which stop new runs and attempts, give running ones --stop-timeout, cancel
    the rest and exit 0. SIGHUP reloads the files (an invalid file keeps its last good version).
    Canaries without a schedule are listed as not run. Due runs wait for a free --jobs slot, oldest
    first; a run due while the previous one still goes, or still queued when due again, is skipped
    and counted (canary_scheduler_skipped_runs_total), never missing data. Two due times missed in
    a row (the process was paused or stopped) set the alarm to INSUFFICIENT_DATA.

    Options: --jobs N, --results DIR, --var, --only, --tag, --cacert, --proxy, --keep, --artifacts, --retain, --max-bytes, --max-snapshot-bytes,
    --max-body-bytes, --pushgateway, --webhook, --alertmanager, --report-url, --on-alarm(-arg), --on-run(-arg), --run-events, --sink-timeout, --sink-max-age, --forget-after, --account, --secrets-file, --trace, --otlp, --emf, --emf-namespace (as
    for run), and:
      --shard K/N          only the canaries whose name hashes to shard K of N
      --location NAME      tag every canary location=NAME (records, metrics, events)
      --maintenance FILE   maintenance windows for the fleet (JSON5 list; tags select canaries)
      --log-format F       text (default) or json: one line per run and lifecycle event
      --stop-timeout D     after SIGTERM, how long runs in flight may go on (default 10s)
      --listen [ADDR]:PORT  serve /metrics, a status page (/), /api/canaries, /-/healthy and
                           /-/ready over HTTP (:9464 is loopback; 0.0.0.0:9464 every interface)
    -v, -q, --junit and --no-wait are run-only.
      --screenshots MODE, --screenshot-jobs N, --screenshot-timeout D, --browser PATH, --browser-jobs N   as for run
    """

    static let new = """
    Usage: canary new NAME URL [-o FILE]

    Writes a canary file for one URL, with comments: a GET of URL expecting status 200 within
    2 seconds and, for https, a certificate with more than 14 days left; a schedule, a timeout
    and one retry. The file is checked by the loader before it is written; an existing FILE is
    never overwritten.
      -o, --output FILE    write it there (default: stdout)
    """

    static let importing = """
    Usage: canary import curl -- curl [curl options] URL...    (or one quoted word, or - for stdin)
           canary import har FILE.har [--filter REGEX]
           canary import cloudwatch blueprint-config.json

    Writes a commented canary file: one step per URL of a curl command ("Copy as cURL" of Chromium
    or Firefox, or typed by hand), per entry of a HAR (each expecting the status it got), or per
    HTTP and SSL check of a CloudWatch Synthetics multi checks configuration. Credentials become
    {{secret.NAME}} placeholders the file lists; dynamic-looking values are marked; what has no
    equivalent is named in a comment. The file is checked by the loader before it is written; an
    existing FILE is never overwritten. Bad input is exit 2 with its place (word, line:column, entry).
      -o, --output FILE    write it there (default: stdout)
      --filter REGEX       import har: only entries whose URL matches
    """

    static let schema = """
    Usage: canary schema

    Prints the JSON Schema (draft 2020-12) of the canary file, written from the loader's own
    tables: a description and an example on every key, unknown keys refused. The same text is
    in schema/canary.schema.json; point your editor at it (README: "Editor set-up"), or add
    "$schema": "PATH/canary.schema.json" to a canary file (canary ignores that key).
      canary schema > canary.schema.json
    """

    static let completion = """
    Usage: canary completion bash|zsh|fish

    Prints a completion script for the shell, made from the same table of commands and flags
    the parser reads. Install it where the shell looks:
      bash   canary completion bash > /etc/bash_completion.d/canary
      zsh    canary completion zsh > "${fpath[1]}/_canary"
      fish   canary completion fish > ~/.config/fish/completions/canary.fish
    """

    static let help = """
    Usage: canary help [COMMAND | --man]

      --man                print the man page (roff) of every command

    The options of one command (as `canary COMMAND --help`), or with --man every command's help
    as a man page: canary help --man > canary.1 && man -l canary.1
    """

    static func text(for command: String) -> String? {
        switch command {
        case "run": return run
        case "validate": return validate
        case "list": return list
        case "rules": return rules
        case "forget": return forget
        case "report": return report
        case "schedule": return schedule
        case "baseline": return baseline
        case "new": return new
        case "import": return importing
        case "completion": return completion
        case "schema": return schema
        case "help": return help
        case "show": return show
        case "diff": return diff
        default: return nil
        }
    }
}
