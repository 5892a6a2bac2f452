/*
 * gid-helpdesk, the admin tool: one function per command (admin-*.c),
 * listed in the table in admin.c.
 */
#ifndef ADMIN_H
#define ADMIN_H

struct db_params;

struct admin_cmd {
	const char	*name;
	const char	*usage;
	int		(*run)(int, char **);	/* argv[0] is the command */
};

/* The account for admin work: [database] admin_user when set, else user. */
void	admin_db_params(struct db_params *);

/* admin.c */
int	admin_migrate(int, char **);
/* admin-import.c: the old mailbox into tickets */
int	admin_import(int, char **);
/* admin-sync.c: users and organisations from the directory's groups. */
int	admin_sync(int, char **);

#endif
