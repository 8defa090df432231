#ifndef HEDGETOP_CNCURSESW_SHIM_H
#define HEDGETOP_CNCURSESW_SHIM_H
/* SwiftPM drops pkg-config's defines, so the wide-character API must be asked for here. */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <langinfo.h>
#include <string.h>
#include <stdio.h>
#include <wchar.h>
#include <ncursesw/curses.h>

/* Macros and globals do not import into Swift; these small functions stand in for them. */

/* newterm on the process's own stdout/stdin (the FILE globals are not concurrency-safe in Swift). */
static inline SCREEN *hedgetop_newterm(const char *term) { return newterm(term, stdout, stdin); }
static inline WINDOW *hedgetop_stdscr(void) { return stdscr; }
static inline int hedgetop_lines(void) { return LINES; }
static inline int hedgetop_cols(void) { return COLS; }
static inline int hedgetop_colors(void) { return COLORS; }
static inline int hedgetop_color_pairs(void) { return COLOR_PAIRS; }

static inline attr_t hedgetop_attr_bold(void) { return A_BOLD; }
static inline attr_t hedgetop_attr_reverse(void) { return A_REVERSE; }
static inline attr_t hedgetop_attr_dim(void) { return A_DIM; }
static inline attr_t hedgetop_attr_underline(void) { return A_UNDERLINE; }

/* Whether the locale set by setlocale(LC_ALL, "") encodes text as UTF-8 (braille and box lines). */
static inline int hedgetop_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

/* Puts one cell: a spacing character plus up to three combining marks, with attributes and a
   colour pair. A character the terminal would draw wider than one column becomes '?', so the
   grid and the screen never disagree about where the next cell is. */
static inline int hedgetop_put_cell(int y, int x, const wchar_t *text, attr_t attrs, int pair) {
    wchar_t chars[CCHARW_MAX + 1];
    int count = 0;
    while (text[count] != 0 && count < CCHARW_MAX) { chars[count] = text[count]; count++; }
    chars[count] = 0;
    if (count == 0 || wcwidth(chars[0]) != 1) { chars[0] = L'?'; chars[1] = 0; }
    cchar_t cell;
    if (setcchar(&cell, chars, attrs, (short)pair, NULL) == ERR) return ERR;
    return mvwadd_wch(stdscr, y, x, &cell);
}
#endif
