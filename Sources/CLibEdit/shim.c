#include "CLibEdit.h"
#include <dlfcn.h>
#include <stddef.h>

/* histedit.h's request codes. */
enum { EL_PROMPT = 0, EL_EDITOR = 2, EL_SIGNAL = 3, EL_BIND = 4, EL_ADDFN = 9, EL_HIST = 10, EL_CLIENTDATA = 14 };
enum { H_SETSIZE = 1, H_ENTER = 10, H_LOAD = 17, H_SAVE = 18, H_SETUNIQUE = 20 };

typedef struct { int num; const char *str; } history_event;

static tabula_editline *(*p_el_init)(const char *, FILE *, FILE *, FILE *);
static void (*p_el_end)(tabula_editline *);
static const char *(*p_el_gets)(tabula_editline *, int *);
static int (*p_el_source)(tabula_editline *, const char *);
static const tabula_lineinfo *(*p_el_line)(tabula_editline *);
static int (*p_el_insertstr)(tabula_editline *, const char *);
static void (*p_el_deletestr)(tabula_editline *, int);
static int (*p_el_set)(tabula_editline *, int, ...);
static int (*p_el_get)(tabula_editline *, int, ...);
static tabula_history *(*p_history_init)(void);
static void (*p_history_end)(tabula_history *);
static int (*p_history)(tabula_history *, history_event *, int, ...);

static int loaded = -1;

int tabula_libedit_load(void) {
    if (loaded >= 0) return loaded;
    void *lib = dlopen("libedit.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!lib) lib = dlopen("libedit.so", RTLD_NOW | RTLD_LOCAL);
    if (!lib) lib = dlopen("libedit.dylib", RTLD_NOW | RTLD_LOCAL);
    if (!lib) return loaded = 0;
#define LOAD(name) if (!(*(void **)&p_##name = dlsym(lib, #name))) return loaded = 0
    LOAD(el_init); LOAD(el_end); LOAD(el_gets); LOAD(el_source); LOAD(el_line);
    LOAD(el_insertstr); LOAD(el_deletestr); LOAD(el_set); LOAD(el_get);
    LOAD(history_init); LOAD(history_end); LOAD(history);
#undef LOAD
    return loaded = 1;
}

tabula_editline *tabula_el_init(const char *program, FILE *input, FILE *output, FILE *errors) {
    return p_el_init(program, input, output, errors);
}
void tabula_el_end(tabula_editline *el) { p_el_end(el); }
const char *tabula_el_gets(tabula_editline *el, int *count) { return p_el_gets(el, count); }
int tabula_el_source(tabula_editline *el, const char *file) { return p_el_source(el, file); }
const tabula_lineinfo *tabula_el_line(tabula_editline *el) { return p_el_line(el); }
int tabula_el_insertstr(tabula_editline *el, const char *text) { return p_el_insertstr(el, text); }
void tabula_el_deletestr(tabula_editline *el, int count) { p_el_deletestr(el, count); }

int tabula_el_set_prompt(tabula_editline *el, char *(*prompt)(tabula_editline *)) {
    return p_el_set(el, EL_PROMPT, prompt);
}
int tabula_el_set_editor(tabula_editline *el, const char *mode) { return p_el_set(el, EL_EDITOR, mode); }
/* libedit calls `history` back through this pointer for its own history events. */
int tabula_el_set_history(tabula_editline *el, tabula_history *h) { return p_el_set(el, EL_HIST, p_history, h); }
int tabula_el_set_signal(tabula_editline *el, int on) { return p_el_set(el, EL_SIGNAL, on); }
int tabula_el_add_function(tabula_editline *el, const char *name, const char *help,
                           unsigned char (*function)(tabula_editline *, int)) {
    return p_el_set(el, EL_ADDFN, name, help, function);
}
int tabula_el_bind(tabula_editline *el, const char *key, const char *command) {
    return p_el_set(el, EL_BIND, key, command, (const char *)NULL);
}
int tabula_el_set_client_data(tabula_editline *el, void *data) { return p_el_set(el, EL_CLIENTDATA, data); }
void *tabula_el_client_data(tabula_editline *el) {
    void *data = NULL;
    p_el_get(el, EL_CLIENTDATA, &data);
    return data;
}

tabula_history *tabula_history_init(void) { return p_history_init(); }
void tabula_history_end(tabula_history *h) { p_history_end(h); }
int tabula_history_enter(tabula_history *h, const char *line) {
    history_event event;
    return p_history(h, &event, H_ENTER, line);
}
int tabula_history_set_size(tabula_history *h, int size) {
    history_event event;
    return p_history(h, &event, H_SETSIZE, size);
}
int tabula_history_set_unique(tabula_history *h, int unique) {
    history_event event;
    return p_history(h, &event, H_SETUNIQUE, unique);
}
int tabula_history_load(tabula_history *h, const char *path) {
    history_event event;
    return p_history(h, &event, H_LOAD, path);
}
int tabula_history_save(tabula_history *h, const char *path) {
    history_event event;
    return p_history(h, &event, H_SAVE, path);
}
