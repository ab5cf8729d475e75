/* Hangul syllables as jamo, for typo tolerance.
 *
 * A precomposed syllable (U+AC00..U+D7A3) is an initial consonant (19), a
 * vowel (21) and an optional final consonant (27 + none). A typo changes one
 * of the three. Some changes are "near": the vowels people confuse by sound
 * or by a neighbouring key (ㅔ/ㅐ as in 결제/결재, ㅓ/ㅕ, ㅗ/ㅛ, ㅜ/ㅠ, ㅚ/ㅙ/ㅞ,
 * ㅢ/ㅣ, ㅟ/ㅣ, ...) and a double consonant typed single or the other way
 * (ㅆ/ㅅ as in 했/햇, ㄲ/ㄱ, ㄸ/ㄷ, ㅃ/ㅂ, ㅉ/ㅈ). Every other one-jamo change
 * is "far". */
#ifndef BOT_JAMO_H
#define BOT_JAMO_H

#include <stdint.h>

#define JAMO_SAME 0
#define JAMO_NEAR 1
#define JAMO_FAR 2
#define JAMO_NONE 3 /* more than one jamo apart, or not both syllables */

#define JAMO_N_INITIAL 19
#define JAMO_N_VOWEL 21
#define JAMO_N_FINAL 28 /* index 0 = no final */

/* 1 when CP is a precomposed Hangul syllable. */
int jamo_is_syllable(uint32_t cp);

/* Splits syllable CP into its initial, vowel and final indexes (final 0 =
 * none). CP must be a syllable. */
void jamo_split(uint32_t cp, int *initial, int *vowel, int *final);

/* The syllable with these indexes. */
uint32_t jamo_join(int initial, int vowel, int final);

/* How far apart syllables A and B are: JAMO_SAME, JAMO_NEAR, JAMO_FAR (one
 * jamo differs) or JAMO_NONE. */
int jamo_distance(uint32_t a, uint32_t b);

/* 1 when the two vowel (or initial, or final) indexes are a near pair. */
int jamo_vowel_near(int a, int b);
int jamo_initial_near(int a, int b);
int jamo_final_near(int a, int b);

#endif
