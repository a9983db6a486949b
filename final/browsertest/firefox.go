package browsertest

import (
	"os"
	"path/filepath"
	"testing"
)

// firefoxPrefs make Firefox behave like the Chromium flags: a fake camera,
// no permission prompt, ICE candidates on loopback, nothing phoning home.
const firefoxPrefs = `user_pref("media.navigator.streams.fake", true);
user_pref("media.navigator.permission.disabled", true);
user_pref("permissions.default.camera", 1);
user_pref("media.peerconnection.ice.loopback", true);
user_pref("media.peerconnection.ice.obfuscate_host_addresses", false);
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("toolkit.telemetry.enabled", false);
user_pref("app.update.enabled", false);
user_pref("browser.aboutwelcome.enabled", false);
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
`

// HaveFirefox reports whether Firefox is installed.
func HaveFirefox() bool { return find("firefox-esr", "firefox") != "" }

// StartFirefox opens url in headless Firefox with a fresh profile and its own
// fake camera (a pattern of its own: Firefox cannot play a file). It skips
// the test when Firefox is not installed. Run it inside [InPrivateNetwork].
func StartFirefox(t testing.TB, url string) *Browser {
	t.Helper()
	bin := find("firefox-esr", "firefox")
	if bin == "" {
		skipOrFail(t, "Firefox is not installed (Debian: apt-get install firefox-esr)")
	}
	dir := t.TempDir()
	profile := filepath.Join(dir, "profile")
	if err := os.MkdirAll(profile, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(profile, "user.js"), []byte(firefoxPrefs), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"--headless", "--no-remote", "--profile", profile, url}
	return start(t, "firefox", bin, args, []string{"HOME=" + dir, "MOZ_HEADLESS=1"})
}
