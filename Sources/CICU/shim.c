#include "CICU.h"
#include <unicode/ucol.h>
#include <unicode/ustring.h>

void *tabula_collator_open(const char *locale) {
    UErrorCode status = U_ZERO_ERROR;
    UCollator *collator = ucol_open(locale, &status);
    if (U_FAILURE(status)) return 0;
    return collator;
}

void tabula_collator_close(void *collator) {
    if (collator) ucol_close((UCollator *)collator);
}

int tabula_collator_compare_utf8(void *collator, const char *a, int32_t alen, const char *b, int32_t blen) {
    UErrorCode status = U_ZERO_ERROR;
    UCollationResult r = ucol_strcollUTF8((UCollator *)collator, a, alen, b, blen, &status);
    if (U_FAILURE(status)) return 0;
    return r == UCOL_LESS ? -1 : (r == UCOL_GREATER ? 1 : 0);
}

int32_t tabula_to_upper(uint16_t *dest, int32_t capacity, const uint16_t *src, int32_t length, const char *locale) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t n = u_strToUpper((UChar *)dest, capacity, (const UChar *)src, length, locale, &status);
    if (U_FAILURE(status) && status != U_BUFFER_OVERFLOW_ERROR) return -1;
    return n;
}

int32_t tabula_to_lower(uint16_t *dest, int32_t capacity, const uint16_t *src, int32_t length, const char *locale) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t n = u_strToLower((UChar *)dest, capacity, (const UChar *)src, length, locale, &status);
    if (U_FAILURE(status) && status != U_BUFFER_OVERFLOW_ERROR) return -1;
    return n;
}
