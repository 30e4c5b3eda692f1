/*
 * cmd_ask.c - "aipolicy ask [--lang en|fr] [--regulation ID] [--save FILE]
 * [--date D]": an interactive session on stdin/stdout.
 *
 * The session is a loop over the library's own ranking of missing facts:
 * classify what is known, show the provisional answer, ask the most
 * decisive fact still missing (aip_result_missing_fact order, or the
 * regulation's own ranking with --regulation), read the reply, repeat.
 * "Don't know" is a valid answer: the fact stays unknown and is not asked
 * again, so the loop ends after at most one question per fact. It also
 * ends on "q" or end of input, and always prints the full result.
 *
 * Input is read line by line with no terminal tricks, so the same code
 * serves a person at a terminal and a script feeding stdin; when stdin is
 * not a terminal each reply is echoed after its prompt, so that a scripted
 * transcript reads like a session.
 *
 * Replies are recorded as the YAML a profile would hold (doc §6), which is
 * what --save writes: "aipolicy classify" reads it back.
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

typedef struct ask_words {
    const char *intro, *provisional, *given, *may_change, *obligations,
        *in_force, *upcoming, *possible, *applies, *not_applies,
        *undetermined, *question, *hint_bool, *hint_enum, *hint_set,
        *hint_number, *hint_date, *hint_keys, *bad_bool, *bad_choice,
        *one_choice, *bad_number, *bad_range, *bad_date, *no_more, *ended,
        *result, *saved, *profile_name;
} ask_words;

static const ask_words EN = {
    "Answer each question; ? (or an empty line) = don't know, q = quit.",
    "Provisional answer", "facts given", "may still change", "Obligations",
    "in force", "upcoming", "possible", "applies", "does not apply",
    "undetermined", "Question",
    "Answer yes or no", "Give one number or id",
    "Give numbers or ids separated by commas; 0 = none of these",
    "Give a number", "Give a date as YYYY-MM-DD",
    "? = don't know, q = quit",
    "Please answer yes or no (? if you do not know).",
    "is not one of the choices: give the numbers or ids listed above.",
    "Please give only one choice.",
    "Please give a number, e.g. 1500 or 3e24, without thousands separators.",
    "is outside the allowed range.",
    "Please give a real date as YYYY-MM-DD, e.g. 2025-03-01.",
    "No more questions: nothing still unknown would change the answer.",
    "Session ended.", "Result", "Answers saved to",
    "Answers given to aipolicy ask"
};

static const ask_words FR = {
    "Répondez à chaque question ; ? (ou une ligne vide) = je ne sais pas, "
    "q = quitter.",
    "Réponse provisoire", "faits donnés", "peut encore changer", "Obligations",
    "en vigueur", "à venir", "possibles", "s'applique", "ne s'applique pas",
    "indéterminé", "Question",
    "Répondez oui ou non", "Donnez un numéro ou un identifiant",
    "Donnez des numéros ou identifiants séparés par des virgules ; "
    "0 = aucun",
    "Donnez un nombre", "Donnez une date AAAA-MM-JJ",
    "? = je ne sais pas, q = quitter",
    "Répondez oui ou non (? si vous ne savez pas).",
    "ne fait pas partie des choix : donnez les numéros ou identifiants "
    "ci-dessus.",
    "Donnez un seul choix.",
    "Donnez un nombre, par ex. 1500 ou 3e24, sans séparateur de milliers.",
    "est hors de l'intervalle autorisé.",
    "Donnez une date réelle AAAA-MM-JJ, par ex. 2025-03-01.",
    "Plus de questions : rien de ce qui reste inconnu ne changerait la "
    "réponse.",
    "Session terminée.", "Résultat", "Réponses enregistrées dans",
    "Réponses données à aipolicy ask"
};

typedef struct ask_opts {
    const char *lang, *regulation, *save, *date;
} ask_opts;

typedef struct session {
    aip_kb *kb;
    aip_query *q;
    const ask_opts *o;
    const ask_words *W;
    size_t reg;                  /* --regulation index, or SIZE_MAX: all */
    size_t nfacts;
    char **answers;              /* per fact: profile YAML, NULL: not asked */
    size_t asked, given;
    int echo;                    /* stdin is not a terminal */
    char *line;                  /* getline buffer */
    size_t cap;
} session;

enum { REPLY_OK = 0, REPLY_BAD = 1, REPLY_NOMEM = -1 };
enum { ASKED, QUIT, FAILED };

static const char *const yes_words[] = { "yes", "y", "oui", "o", "true",
                                         "vrai", NULL };
static const char *const no_words[] = { "no", "n", "non", "false", "faux",
                                        NULL };
static const char *const unknown_words[] = {
    "", "?", "don't know", "dont know", "don\xe2\x80\x99t know",
    "do not know", "i don't know", "unknown", "idk", "je ne sais pas",
    "ne sais pas", "sais pas", "jsp", "inconnu", NULL };
static const char *const quit_words[] = { "q", "quit", "exit", "quitter",
                                          NULL };
static const char *const none_words[] = { "0", "none", "-", "aucun",
                                          "aucune", "rien", NULL };

static int is_word(const char *s, const char *const *words)
{
    for (; *words; words++)
        if (strcmp(s, *words) == 0)
            return 1;
    return 0;
}

/* ---- options ------------------------------------------------------------------ */

static int parse_ask(int argc, char **argv, ask_opts *o)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int code;
        if (strcmp(a, "--lang") == 0)
            code = cli_option_value(argc, argv, &i, &o->lang);
        else if (strcmp(a, "--regulation") == 0)
            code = cli_option_value(argc, argv, &i, &o->regulation);
        else if (strcmp(a, "--save") == 0)
            code = cli_option_value(argc, argv, &i, &o->save);
        else if (strcmp(a, "--date") == 0)
            code = cli_option_value(argc, argv, &i, &o->date);
        else if (a[0] == '-' && a[1])
            return usage_error("unknown option for ask: %s", a);
        else
            return usage_error("ask takes no PROFILE (got %s): it asks for "
                               "the facts", a);
        if (code)
            return code;
    }
    return cli_check_lang(o->lang);
}

static int find_regulation(const aip_kb *kb, const char *id, size_t *out)
{
    *out = SIZE_MAX;
    if (!id)
        return 0;
    for (size_t i = 0; i < aip_kb_regulation_count(kb); i++)
        if (strcmp(aip_kb_regulation_id(kb, i), id) == 0) {
            *out = i;
            return 0;
        }
    return usage_error("unknown regulation: %s (see aipolicy list "
                       "regulations)", id);
}

/* ---- the provisional answer -------------------------------------------------------- */

static void show_dimensions(const session *s, const aip_result *r, size_t reg)
{
    for (size_t d = 0; d < aip_kb_dimension_count(s->kb, reg); d++) {
        const char *id = aip_kb_dimension_id(s->kb, reg, d);
        int determined = 1;
        aip_result_dimension(r, reg, id, &determined);
        printf("  %s: %s%s%s%s\n",
               aip_kb_dimension_title(s->kb, reg, d, s->o->lang),
               aip_result_dimension_label(r, reg, id, s->o->lang),
               determined ? "" : " (", determined ? "" : s->W->may_change,
               determined ? "" : ")");
    }
}

static void show_obligation_counts(const session *s, const aip_result *r,
                                   size_t reg)
{
    size_t n = aip_result_obligation_count(r, reg), now = 0, maybe = 0;
    for (size_t i = 0; i < n; i++) {
        now += aip_result_obligation_status(r, reg, i) == AIP_IN_FORCE;
        maybe += aip_result_obligation_certain(r, reg, i) != 1;
    }
    printf("  %s: %zu %s, %zu %s", s->W->obligations, now, s->W->in_force,
           n - now, s->W->upcoming);
    if (maybe)
        printf(" (%zu %s)", maybe, s->W->possible);
    putchar('\n');
}

static void show_provisional(const session *s, const aip_result *r)
{
    const ask_words *W = s->W;
    printf("\n--- %s (%s: %zu) ---\n", W->provisional, W->given, s->given);
    for (size_t reg = 0; reg < aip_result_regulation_count(r); reg++) {
        if (s->reg != SIZE_MAX && reg != s->reg)
            continue;
        int a = aip_result_applicability(r, reg);
        printf("%s: %s\n", aip_kb_regulation_short_title(s->kb, reg,
                                                         s->o->lang),
               a == AIP_APPLIES ? W->applies
               : a == AIP_DOES_NOT_APPLY ? W->not_applies : W->undetermined);
        if (a == AIP_DOES_NOT_APPLY)
            continue;
        show_dimensions(s, r, reg);
        show_obligation_counts(s, r, reg);
    }
}

/* The most decisive missing fact not yet asked: index in *fact, or 0. */
static int next_fact(const session *s, const aip_result *r, size_t *fact)
{
    int one = s->reg != SIZE_MAX;
    size_t n = one ? aip_result_regulation_missing_count(r, s->reg)
                   : aip_result_missing_count(r);
    for (size_t i = 0; i < n; i++) {
        const char *id = one ? aip_result_regulation_missing_fact(r, s->reg, i)
                             : aip_result_missing_fact(r, i);
        if (aip_kb_fact_find(s->kb, id, fact) == AIP_OK && !s->answers[*fact])
            return 1;
    }
    return 0;
}

/* ---- asking ------------------------------------------------------------------------------ */

static void show_question(session *s, size_t f)
{
    const char *lang = s->o->lang, *type = aip_kb_fact_type(s->kb, f);
    const char *help = aip_kb_fact_help(s->kb, f, lang);
    const char *unit = aip_kb_fact_unit(s->kb, f);
    const ask_words *W = s->W;
    printf("\n%s %zu [%s]\n%s\n", W->question, ++s->asked,
           aip_kb_fact_id(s->kb, f), aip_kb_fact_question(s->kb, f, lang));
    if (help)
        printf("  %s\n", help);
    for (size_t v = 0; v < aip_kb_fact_value_count(s->kb, f); v++)
        printf("  %2zu) %s (%s)\n", v + 1,
               aip_kb_fact_value_label(s->kb, f, v, lang),
               aip_kb_fact_value_id(s->kb, f, v));
    const char *hint = strcmp(type, "bool") == 0 ? W->hint_bool
                     : strcmp(type, "enum") == 0 ? W->hint_enum
                     : strcmp(type, "set") == 0 ? W->hint_set
                     : strcmp(type, "number") == 0 ? W->hint_number
                                                   : W->hint_date;
    printf("  (%s%s%s%s; %s)\n", hint, unit ? " [" : "", unit ? unit : "",
           unit ? "]" : "", W->hint_keys);
}

/* Reads one reply into s->line, trimmed and in ASCII lower case (ids and
 * the yes/no words are lower case). Returns 0, or -1 at end of input. */
static int read_reply(session *s)
{
    fputs("> ", stdout);
    fflush(stdout);
    ssize_t n = getline(&s->line, &s->cap, stdin);
    if (n < 0) {
        putchar('\n');
        return -1;
    }
    char *p = s->line, *end = p + n;
    while (end > p && isspace((unsigned char)end[-1]))
        *--end = '\0';
    while (isspace((unsigned char)*p))
        p++;
    memmove(s->line, p, (size_t)(end - p) + 1);
    for (p = s->line; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    if (s->echo)
        printf("%s\n", s->line);
    return 0;
}

/* Refusals go to stderr; stdout is flushed first so that, on a terminal
 * showing both, the message comes after the reply it is about. */
static void complain(const char *token, const char *msg)
{
    fflush(stdout);
    if (token)
        fprintf(stderr, "'%s' %s\n", token, msg);
    else
        fprintf(stderr, "%s\n", msg);
}

static int record(session *s, size_t f, const char *yaml)
{
    char *copy = strdup(yaml);
    if (!copy)
        return REPLY_NOMEM;
    free(s->answers[f]);
    s->answers[f] = copy;
    return REPLY_OK;
}

static int reply_bool(session *s, size_t f, const char *text)
{
    int yes = is_word(text, yes_words);
    if (!yes && !is_word(text, no_words)) {
        complain(NULL, s->W->bad_bool);
        return REPLY_BAD;
    }
    if (aip_query_set_bool(s->q, aip_kb_fact_id(s->kb, f), yes) != AIP_OK)
        return REPLY_NOMEM;
    return record(s, f, yes ? "true" : "false");
}

/* A choice given as its number (1-based, as listed) or its id. */
static int find_choice(const session *s, size_t f, const char *tok, size_t len,
                       size_t *v)
{
    size_t n = aip_kb_fact_value_count(s->kb, f);
    char *end;
    unsigned long k = strtoul(tok, &end, 10);
    if (isdigit((unsigned char)tok[0]) && (size_t)(end - tok) == len) {
        *v = (size_t)k - 1;
        return k >= 1 && k <= n;
    }
    for (*v = 0; *v < n; ++*v) {
        const char *id = aip_kb_fact_value_id(s->kb, f, *v);
        if (strlen(id) == len && strncmp(id, tok, len) == 0)
            return 1;
    }
    return 0;
}

static int reply_enum(session *s, size_t f, const char *text)
{
    size_t v;
    if (strpbrk(text, ", ")) {
        complain(NULL, s->W->one_choice);
        return REPLY_BAD;
    }
    if (!find_choice(s, f, text, strlen(text), &v)) {
        complain(text, s->W->bad_choice);
        return REPLY_BAD;
    }
    const char *id = aip_kb_fact_value_id(s->kb, f, v);
    if (aip_query_set_enum(s->q, aip_kb_fact_id(s->kb, f), id) != AIP_OK)
        return REPLY_NOMEM;
    char yaml[80];
    snprintf(yaml, sizeof yaml, "\"%s\"", id);  /* ids are at most 64 bytes */
    return record(s, f, yaml);
}

/* Parses the tokens of a set reply (separated by commas and/or spaces)
 * into a bit mask; REPLY_BAD (with a message) on an unknown token. */
static int parse_set(const session *s, size_t f, const char *text,
                     uint64_t *mask)
{
    static const char seps[] = ", \t";
    *mask = 0;
    for (const char *p = text + strspn(text, seps); *p;
         p += strspn(p, seps)) {
        size_t len = strcspn(p, seps), v;
        if (!find_choice(s, f, p, len, &v)) {
            char tok[128];
            snprintf(tok, sizeof tok, "%.*s", (int)len, p);
            complain(tok, s->W->bad_choice);
            return REPLY_BAD;
        }
        *mask |= UINT64_C(1) << v;
        p += len;
    }
    return REPLY_OK;
}

static int reply_set(session *s, size_t f, const char *text)
{
    uint64_t mask = 0;
    if (!is_word(text, none_words) && parse_set(s, f, text, &mask))
        return REPLY_BAD;
    const char *fact = aip_kb_fact_id(s->kb, f);
    char *yaml = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&yaml, &size);
    if (!out || aip_query_set_empty(s->q, fact) != AIP_OK) {
        if (out)
            fclose(out);
        free(yaml);
        return REPLY_NOMEM;
    }
    fputc('[', out);
    for (size_t v = 0, n = 0; v < aip_kb_fact_value_count(s->kb, f); v++) {
        if (!((mask >> v) & 1))
            continue;
        const char *id = aip_kb_fact_value_id(s->kb, f, v);
        /* cannot fail: the fact and the value come from the knowledge */
        aip_query_add_to_set(s->q, fact, id);
        fprintf(out, "%s\"%s\"", n++ ? ", " : "", id);
    }
    fputc(']', out);
    int rc = fclose(out) == 0 ? record(s, f, yaml) : REPLY_NOMEM;
    free(yaml);
    return rc;
}

/* Numbers as a person types them: spaces, '_' and '\'' may group digits;
 * a comma is refused because it is a decimal point in French and a
 * thousands separator in English. */
static int reply_number(session *s, size_t f, const char *text)
{
    char clean[128], *end;
    size_t n = 0;
    for (const char *p = text; *p && n + 1 < sizeof clean; p++)
        if (*p != ' ' && *p != '_' && *p != '\'')
            clean[n++] = *p;
    clean[n] = '\0';
    double x = strtod(clean, &end);
    if (n == 0 || *end || !isfinite(x) || strchr(clean, ',')) {
        complain(NULL, s->W->bad_number);
        return REPLY_BAD;
    }
    if (aip_query_set_number(s->q, aip_kb_fact_id(s->kb, f), x) != AIP_OK) {
        complain(text, s->W->bad_range);
        return REPLY_BAD;
    }
    char yaml[64];
    snprintf(yaml, sizeof yaml, "%.15g", x);
    if (strtod(yaml, NULL) != x)
        snprintf(yaml, sizeof yaml, "%.17g", x);
    return record(s, f, yaml);
}

static int reply_date(session *s, size_t f, const char *text)
{
    if (aip_query_set_date(s->q, aip_kb_fact_id(s->kb, f), text) != AIP_OK) {
        complain(NULL, s->W->bad_date);
        return REPLY_BAD;
    }
    return record(s, f, text);
}

static int apply_reply(session *s, size_t f, const char *text)
{
    const char *type = aip_kb_fact_type(s->kb, f);
    switch (type[0]) {
    case 'b': return reply_bool(s, f, text);
    case 'e': return reply_enum(s, f, text);
    case 's': return reply_set(s, f, text);
    case 'n': return reply_number(s, f, text);
    default:  return reply_date(s, f, text);
    }
}

/* Asks fact f until a valid reply: ASKED (answered or "don't know"), QUIT
 * (q or end of input) or FAILED (out of memory). */
static int ask_fact(session *s, size_t f)
{
    show_question(s, f);
    for (;;) {
        if (read_reply(s) < 0 || is_word(s->line, quit_words))
            return QUIT;
        if (is_word(s->line, unknown_words))
            return record(s, f, "unknown") == REPLY_OK ? ASKED : FAILED;
        int rc = apply_reply(s, f, s->line);
        if (rc == REPLY_OK) {
            s->given++;
            return ASKED;
        }
        if (rc == REPLY_NOMEM)
            return FAILED;
    }
}

/* ---- the session --------------------------------------------------------------------- */

enum { GO_ON, OVER, BROKEN };

/* Classifies, shows the provisional answer and asks the next question:
 * GO_ON, OVER (no question left, or the person quit) or BROKEN (the error
 * is printed and *code set). */
static int step(session *s, int *code)
{
    aip_result *r = NULL;
    if ((*code = cli_classify(s->q, &r)) != 0)
        return BROKEN;
    show_provisional(s, r);
    size_t f;
    int more = next_fact(s, r, &f);
    aip_result_free(r);
    if (!more) {
        printf("\n%s\n", s->W->no_more);
        return OVER;
    }
    switch (ask_fact(s, f)) {
    case ASKED:
        return GO_ON;
    case QUIT:
        printf("%s\n", s->W->ended);
        return OVER;
    default:
        *code = fail_with(AIP_ENOMEM, NULL);
        return BROKEN;
    }
}

static int show_result(const session *s)
{
    aip_result *r = NULL;
    int code = cli_classify(s->q, &r);
    if (code)
        return code;
    printf("\n--- %s ---\n", s->W->result);
    char *text = NULL;
    size_t len = 0;
    int rc = aip_result_to_text(r, s->o->lang, &text, &len);
    code = cli_print_owned(rc, text, len);
    aip_result_free(r);
    return code;
}

/* Writes the answers as a profile (doc §6), facts in knowledge order;
 * "don't know" is kept as the word unknown so the file shows what is
 * still open. */
static int save_profile(const session *s)
{
    FILE *f = fopen(s->o->save, "w");
    if (!f) {
        fprintf(stderr, "aipolicy: cannot write %s\n", s->o->save);
        return EXIT_IO;
    }
    fprintf(f, "# Written by aipolicy ask.\nprofile: 1\nname: %s\n",
            s->W->profile_name);
    if (s->o->date)
        fprintf(f, "date: %s\n", s->o->date);
    size_t answered = 0;
    for (size_t i = 0; i < s->nfacts; i++)
        answered += s->answers[i] != NULL;
    fputs(answered ? "facts:\n" : "facts: {}\n", f);
    for (size_t i = 0; i < s->nfacts; i++)
        if (s->answers[i])
            fprintf(f, "  %s: %s\n", aip_kb_fact_id(s->kb, i), s->answers[i]);
    if (fclose(f) != 0) {
        fprintf(stderr, "aipolicy: cannot write %s\n", s->o->save);
        return EXIT_IO;
    }
    printf("\n%s %s\n", s->W->saved, s->o->save);
    return 0;
}

static int run_session(session *s)
{
    printf("%s\n", s->W->intro);
    int code = 0, state;
    while ((state = step(s, &code)) == GO_ON)
        ;
    if (state == BROKEN)
        return code;
    code = show_result(s);
    if (!code && s->o->save)
        code = save_profile(s);
    return code;
}

int cmd_ask(const char *data, int argc, char **argv)
{
    ask_opts o = { "en", NULL, NULL, NULL };
    session s = { 0 };
    int code = parse_ask(argc, argv, &o);
    if (!code)
        code = load_kb(data, &s.kb);
    if (!code)
        code = find_regulation(s.kb, o.regulation, &s.reg);
    if (!code)
        code = cli_load_query(s.kb, NULL, o.date, &s.q);
    if (!code) {
        s.o = &o;
        s.W = strcmp(o.lang, "fr") == 0 ? &FR : &EN;
        s.nfacts = aip_kb_fact_count(s.kb);
        s.echo = !isatty(STDIN_FILENO);
        s.answers = calloc(s.nfacts + 1, sizeof *s.answers);
        code = s.answers ? run_session(&s) : fail_with(AIP_ENOMEM, NULL);
    }
    for (size_t i = 0; s.answers && i < s.nfacts; i++)
        free(s.answers[i]);
    free(s.answers);
    free(s.line);
    aip_query_free(s.q);
    aip_kb_release(s.kb);
    return code;
}
