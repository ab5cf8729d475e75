/* Hangul syllables as jamo (see jamo.h). The syllable block is laid out as
 * 0xAC00 + (initial * 21 + vowel) * 28 + final (Unicode, section 3.12). */
#include "jamo.h"

#define SBASE 0xAC00u
#define SCOUNT 11172u

int
jamo_is_syllable(uint32_t cp)
{
	return cp >= SBASE && cp < SBASE + SCOUNT;
}

void
jamo_split(uint32_t cp, int *initial, int *vowel, int *final)
{
	uint32_t s = cp - SBASE;

	*initial = (int)(s / (JAMO_N_VOWEL * JAMO_N_FINAL));
	*vowel = (int)(s / JAMO_N_FINAL % JAMO_N_VOWEL);
	*final = (int)(s % JAMO_N_FINAL);
}

uint32_t
jamo_join(int initial, int vowel, int final)
{
	return SBASE + (uint32_t)((initial * JAMO_N_VOWEL + vowel) * JAMO_N_FINAL + final);
}

/* Each index's near partners as a bit mask: bit b of NEAR_X[a] is set when
 * a and b are a near pair. */

/* Vowels: ㅏ0 ㅐ1 ㅑ2 ㅒ3 ㅓ4 ㅔ5 ㅕ6 ㅖ7 ㅗ8 ㅘ9 ㅙ10 ㅚ11 ㅛ12 ㅜ13 ㅝ14 ㅞ15 ㅟ16 ㅠ17
 * ㅡ18 ㅢ19 ㅣ20. Near: confused by sound (ㅐ/ㅔ, ㅒ/ㅖ, ㅙ/ㅚ/ㅞ, ㅢ/ㅣ, ㅡ/ㅢ, ㅟ/ㅣ
 * as in 캐쉬/캐시), by the shift key (ㅐ/ㅒ, ㅔ/ㅖ), by the y key next to the
 * plain one (ㅓ/ㅕ, ㅏ/ㅑ, ㅗ/ㅛ, ㅜ/ㅠ, and ㅜ/ㅡ), or a compound vowel typed
 * with one key next to the right one or with half of it (탈톼 for 탈퇴: ㅚ/ㅘ;
 * ㅘ/ㅗ, ㅝ/ㅓ). Other neighbouring keys (ㅏ/ㅣ, ㅓ/ㅏ) make real words too
 * often (상담시간 is not 상담사): they are far. */
static const uint32_t near_vowel[JAMO_N_VOWEL] = {
	0x204,	0x28,  0x1,	0x82,	 0x4040, 0x82,	   0x10,    0x28,    0x1e00,   0x901,	0x8900,
	0x8700, 0x100, 0x7c000, 0x2010,	 0x12c00, 0x10a000, 0x2000, 0x82000, 0x140000, 0x90000,
};

/* Initials: ㄱ0/ㄲ1, ㄷ3/ㄸ4, ㅂ7/ㅃ8, ㅅ9/ㅆ10, ㅈ12/ㅉ13, the shift key. */
static const uint32_t near_initial[JAMO_N_INITIAL] = {
    0x2,   0x1, 0x0,    0x10,   0x8, 0x0, 0x0, 0x100, 0x80, 0x400,
    0x200, 0x0, 0x2000, 0x1000, 0x0, 0x0, 0x0, 0x0,   0x0,
};

/* Finals: ㄱ1/ㄲ2, ㅅ19/ㅆ20 (했/햇), and the double finals written single:
 * ㄴ4/ㄶ6 (않/안), ㄹ8/ㅀ15, ㅂ17/ㅄ18 (없/업). */
static const uint32_t near_final[JAMO_N_FINAL] = {
    0x0, 0x4,   0x2, 0x0,     0x40,    0x0,      0x10,    0x0, 0x8000, 0x0, 0x0, 0x0, 0x0, 0x0,
    0x0, 0x100, 0x0, 0x40000, 0x20000, 0x100000, 0x80000, 0x0, 0x0,    0x0, 0x0, 0x0, 0x0, 0x0,
};

int
jamo_vowel_near(int a, int b)
{
	return a >= 0 && a < JAMO_N_VOWEL && b >= 0 && b < JAMO_N_VOWEL &&
	       ((near_vowel[a] >> b) & 1);
}

int
jamo_initial_near(int a, int b)
{
	return a >= 0 && a < JAMO_N_INITIAL && b >= 0 && b < JAMO_N_INITIAL &&
	       ((near_initial[a] >> b) & 1);
}

int
jamo_final_near(int a, int b)
{
	return a >= 0 && a < JAMO_N_FINAL && b >= 0 && b < JAMO_N_FINAL &&
	       ((near_final[a] >> b) & 1);
}

int
jamo_distance(uint32_t a, uint32_t b)
{
	int ia, va, fa, ib, vb, fb, diff = 0, near = 1;

	if (a == b)
		return JAMO_SAME;
	if (!jamo_is_syllable(a) || !jamo_is_syllable(b))
		return JAMO_NONE;
	jamo_split(a, &ia, &va, &fa);
	jamo_split(b, &ib, &vb, &fb);
	if (ia != ib) {
		diff++;
		near = jamo_initial_near(ia, ib);
	}
	if (va != vb) {
		diff++;
		near = jamo_vowel_near(va, vb);
	}
	if (fa != fb) {
		diff++;
		near = jamo_final_near(fa, fb);
	}
	if (diff != 1)
		return JAMO_NONE;
	return near ? JAMO_NEAR : JAMO_FAR;
}
