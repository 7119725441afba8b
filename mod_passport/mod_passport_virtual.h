/*
 * mod_passport_virtual.h - the endpoints skip the directory walk
 * (mod_passport_virtual.c).
 */
#ifndef MOD_PASSPORT_VIRTUAL_H
#define MOD_PASSPORT_VIRTUAL_H

void pp_virtual_register(void);

#endif
