# csvcells.awk — RFC 4180 CSV in, one "ROW<TAB>COL<TAB>CELL" line per cell out
# (quotes undone; CR and LF inside a cell shown as \r and \n), so the tests
# can look at single cells without a CSV library. Works with mawk and gawk.
BEGIN { RS = "\001"; }
{
    s = $0; n = length(s); row = 1; col = 1; cell = ""; q = 0; i = 1
    while (i <= n) {
        c = substr(s, i, 1)
        if (q) {
            if (c == "\"") {
                if (substr(s, i + 1, 1) == "\"") { cell = cell "\""; i++ } else q = 0
            } else if (c == "\n") cell = cell "\\n"
            else if (c == "\r") cell = cell "\\r"
            else cell = cell c
        } else if (c == "\"") q = 1
        else if (c == ",") { print row "\t" col "\t" cell; col++; cell = "" }
        else if (c == "\r") { }
        else if (c == "\n") { print row "\t" col "\t" cell; row++; col = 1; cell = "" }
        else cell = cell c
        i++
    }
    if (cell != "" || col > 1) print row "\t" col "\t" cell
}
