#ifndef TABULA_CICU_H
#define TABULA_CICU_H
#include <stdint.h>

/* ICU renames its entry points per version through macros, so Swift cannot call them directly.
   These wrappers give Tabula a stable, version-free surface. */

/* Opens a collator for a locale ("en", "de", "ru"); returns NULL on failure. */
void *tabula_collator_open(const char *locale);
void tabula_collator_close(void *collator);
/* Compares two UTF-8 strings; returns -1, 0 or 1. */
int tabula_collator_compare_utf8(void *collator, const char *a, int32_t alen, const char *b, int32_t blen);

/* Case mapping of UTF-16 text under a locale. Returns the length needed; when it exceeds
   capacity, call again with a bigger buffer. Returns -1 on error. */
int32_t tabula_to_upper(uint16_t *dest, int32_t capacity, const uint16_t *src, int32_t length, const char *locale);
int32_t tabula_to_lower(uint16_t *dest, int32_t capacity, const uint16_t *src, int32_t length, const char *locale);

#endif
