/*
 * Ticket numbers in Znuny's DateChecksum format: YYYYMMDD, the system id,
 * the day's counter padded to five digits, one check digit. Pure code;
 * the counter itself lives in MariaDB (ticket-store.c).
 */
#ifndef TICKET_NUMBER_H
#define TICKET_NUMBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "helpdesk.h"

/* Longest number we make or accept, and the buffer that holds it. */
#define TICKET_NUMBER_MIN	11
#define TICKET_NUMBER_MAX	20
#define TICKET_NUMBER_SIZE	(TICKET_NUMBER_MAX + 1)

/*
 * The check digit of a string of digits: weights 1, 2, 1, 2, ... from the
 * left, c = 10 - sum % 10, and 1 instead of 10. -1 if a byte is no digit.
 */
int	ticket_number_checksum(const char *, size_t);
/* "YYYYMMDD" of a Unix time, in UTC, into day[9]. */
void	ticket_number_day(char day[9], int64_t);
/*
 * Make the number for a day, a system id and a counter (1 and up) into
 * buf[TICKET_NUMBER_SIZE]. Returns -1 when the day is not 8 digits or
 * the result would not fit.
 */
int	ticket_number_format(char *, const char *, int, int64_t);
/* Whether s has the shape of a ticket number (digits, 11 to 20 of them). */
bool	ticket_number_wellformed(const char *);
/*
 * Find "[Ticket#NNN]" or "Ticket#NNN" in a mail subject (case-insensitive)
 * and copy the digits into out[TICKET_NUMBER_SIZE]; -1 when there is none
 * or it is not well formed.
 */
int	ticket_number_find(const char *, char *);

#endif
