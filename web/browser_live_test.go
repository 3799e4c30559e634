package web_test

import (
	"testing"
	"time"
)

// A change made through the API appears on an open list without a reload: through the
// company's WebSocket when the server has the live hub, by polling when the socket is
// unavailable (a server without it answers the upgrade with an error).
func TestLiveUpdatesBySocketAndByPolling(t *testing.T) {
	for _, tc := range []struct {
		name, mode string
		env        func(testing.TB) *uiEnv
	}{{"socket", "socket", newUIEnvRuntime}, {"polling", "polling", newUIEnv}} {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.env(t)
			company, _ := seedDemo(e)
			p := "/" + company["issuePrefix"].(string)
			e.open(p + "/issues")
			e.waitJS(`document.querySelector(".list-row") && document.documentElement.dataset.live === "` + tc.mode + `"`)
			e.seedIssue(company["id"].(string), map[string]any{"title": "Filed by an agent elsewhere", "status": "todo"})
			// Polling runs every 10 s; the deadline leaves room for one cycle on a busy machine.
			e.waitJSFor(`[...document.querySelectorAll(".list-row")].some(r => r.textContent.includes("Filed by an agent elsewhere"))`, 25*time.Second)
			e.assertClean()
		})
	}
}
