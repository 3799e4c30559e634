package cli

import (
	"os/exec"
	"runtime"
)

// startBrowser opens url with the desktop's handler (§6.6) without waiting for it.
func startBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait() // reap the helper; its exit status does not matter
	return nil
}

// hasDesktop applies §6.6's detection: never in CI or over SSH; macOS and Windows
// always; elsewhere only with an X11 or Wayland display.
func (a *app) hasDesktop() bool {
	for _, k := range []string{"CI", "SSH_CONNECTION", "SSH_TTY"} {
		if a.getenv(k) != "" {
			return false
		}
	}
	switch runtime.GOOS {
	case "darwin", "windows":
		return true
	}
	return a.getenv("DISPLAY") != "" || a.getenv("WAYLAND_DISPLAY") != ""
}

// shouldOpenBrowser decides §6.1 step 9: --no-open and PAPERCLIP_OPEN_ON_LISTEN=false
// always win; --open, PAPERCLIP_OPEN_ON_LISTEN=true or a start from onboard ask for it.
func (a *app) shouldOpenBrowser(opts runOptions) bool {
	if opts.noOpen {
		return false
	}
	want := opts.open || opts.onboarded
	if v, ok := parseBool(a.getenv("PAPERCLIP_OPEN_ON_LISTEN")); ok {
		if !v {
			return false
		}
		want = true
	}
	return want && a.hasDesktop()
}
