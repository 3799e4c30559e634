package cli

import (
	"os/user"

	"paperclip/server/heartbeat"
)

// currentUserName is the name of the account this process runs as: the passwd entry
// when there is one, else $USER / $LOGNAME (a container may run as a uid with no entry).
func currentUserName(lookupEnv func(string) (string, bool)) string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	for _, k := range []string{"USER", "LOGNAME", "USERNAME"} {
		if v, ok := lookupEnv(k); ok && v != "" {
			return v
		}
	}
	return ""
}

// osUser is the account whose name and home directory censorUsernameInLogs hides,
// read once when the server's settings are resolved.
func (a *app) osUser() heartbeat.OSUser {
	home, _ := a.userHome()
	return heartbeat.OSUser{Name: a.userName(), Home: home}
}
