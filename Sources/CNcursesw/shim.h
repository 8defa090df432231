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
#include <ncursesw/curses.h>
#endif
