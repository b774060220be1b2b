#ifndef TABULA_CLIBEDIT_H
#define TABULA_CLIBEDIT_H
#include <stdio.h>

/* libedit (BSD editline) for the REPL, loaded at run time with dlopen so that building needs no
   headers of it: a machine with only the runtime (libedit2) gets line editing, one without it
   gets the plain reader. The few types and constants used here are those of histedit.h, which
   are part of libedit's stable ABI. el_set, el_get and history are variadic, which Swift cannot
   call; each use gets a wrapper with a fixed signature. */

typedef struct tabula_editline tabula_editline;
typedef struct tabula_history tabula_history;

typedef struct tabula_lineinfo {
    const char *buffer;
    const char *cursor;
    const char *lastchar;
} tabula_lineinfo;

/* Return values of an editor function (histedit.h's CC_*). */
enum {
    TABULA_CC_REFRESH = 4,
    TABULA_CC_ERROR = 6,
    TABULA_CC_REDISPLAY = 8,
    TABULA_CC_REFRESH_BEEP = 9
};

/* Loads libedit (libedit.so.2, then libedit.so); returns 1 when every symbol used was found. */
int tabula_libedit_load(void);

tabula_editline *tabula_el_init(const char *program, FILE *input, FILE *output, FILE *errors);
void tabula_el_end(tabula_editline *el);
const char *tabula_el_gets(tabula_editline *el, int *count);
int tabula_el_source(tabula_editline *el, const char *file);
const tabula_lineinfo *tabula_el_line(tabula_editline *el);
int tabula_el_insertstr(tabula_editline *el, const char *text);
void tabula_el_deletestr(tabula_editline *el, int count);

int tabula_el_set_prompt(tabula_editline *el, char *(*prompt)(tabula_editline *));
int tabula_el_set_editor(tabula_editline *el, const char *mode);
int tabula_el_set_history(tabula_editline *el, tabula_history *h);
int tabula_el_set_signal(tabula_editline *el, int on);
int tabula_el_add_function(tabula_editline *el, const char *name, const char *help,
                           unsigned char (*function)(tabula_editline *, int));
int tabula_el_bind(tabula_editline *el, const char *key, const char *command);
int tabula_el_set_client_data(tabula_editline *el, void *data);
void *tabula_el_client_data(tabula_editline *el);

tabula_history *tabula_history_init(void);
void tabula_history_end(tabula_history *h);
int tabula_history_enter(tabula_history *h, const char *line);
int tabula_history_set_size(tabula_history *h, int size);
int tabula_history_set_unique(tabula_history *h, int unique);
int tabula_history_load(tabula_history *h, const char *path);
int tabula_history_save(tabula_history *h, const char *path);

#endif
