/*
 * pp_note.h - what a core decision wants logged. The core never logs:
 * it says why, and how loudly, and the glue writes the line. Texts
 * start with their PPnnnn tag, quote client input only through
 * pp_log_escape, and never hold a password or a whole ticket.
 * Apache-free.
 */
#ifndef PP_NOTE_H
#define PP_NOTE_H

typedef enum {
    PP_NOTE_NONE = 0,
    PP_NOTE_DEBUG,
    PP_NOTE_INFO,         /* malformed requests, faults (hostile traffic) */
    PP_NOTE_NOTICE,       /* failed sign-ins, refused tickets */
    PP_NOTE_ERROR         /* our side: configuration, keys, database */
} pp_note_level_t;

typedef struct {
    pp_note_level_t level;
    const char *text;
} pp_note_t;

#endif
