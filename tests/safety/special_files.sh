# special_files.sh — a FIFO, device or folder where bedside expects a form,
# a configuration or a database is refused at once with a positioned
# message; nothing waits for a writer that never comes.
. "$(dirname "$0")/../lib.sh"

# within SECONDS ARGS... — bs ARGS, killed after SECONDS; rc 124 if it hung.
within() {
    local s=$1
    shift
    timeout "$s" "$BEDSIDE" --today "$TODAY" "$@" >"$T/out" 2>"$T/err" </dev/null
    rc=$?
}

FORMS=$T/forms
mkdir "$FORMS"
cp "$TOP"/forms/*.yaml "$FORMS/"
mkfifo "$FORMS/pipe.yaml"

within 10 forms check "$FORMS"
expect_rc 1 "forms check with a FIFO among the forms"
expect_err "pipe\.yaml:1:1: not a regular file \(a FIFO\)" "the FIFO is named, positioned"
within 10 --forms "$FORMS" due
expect_rc 1 "due with a FIFO among the forms"
expect_err "pipe\.yaml:1:1: not a regular file \(a FIFO\)" "due names the FIFO"
rm "$FORMS/pipe.yaml"

mkfifo "$T/config.yaml"
within 10 --config "$T/config.yaml" due
expect_rc 1 "a FIFO as --config"
expect_err "config\.yaml:1:1: not a regular file \(a FIFO\)" "the FIFO config is named"

within 10 --config /dev/null due
expect_rc 1 "a device as --config"
expect_err "/dev/null:1:1: not a regular file \(a device\)" "the device is named"

mkfifo "$T/pipe.db"
within 10 --db "$T/pipe.db" show H1
expect_rc 1 "a FIFO as --db"
expect_err "pipe\.db is not a regular file" "the FIFO database is named"
within 10 --db "$T/pipe.db" record H1 --form vas --hip L pain=1
expect_rc 1 "record into a FIFO"
bs patient add H1 --name "Ann Example" --sex F --born 1970-01-01
within 10 merge "$T/pipe.db"
expect_rc 1 "merge of a FIFO"
expect_err "pipe\.db is not a regular file" "merge names the FIFO"

t_done
