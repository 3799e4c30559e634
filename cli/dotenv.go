package cli

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

const jwtSecretKey = "PAPERCLIP_AGENT_JWT_SECRET"

// parseDotenv reads KEY=VALUE lines: blank lines and # comments are skipped, an
// "export " prefix is allowed, values may be single- or double-quoted.
func parseDotenv(data []byte) map[string]string {
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		key, val, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		key = strings.TrimSpace(key)
		val = strings.TrimSpace(val)
		switch {
		case len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"':
			val = strings.NewReplacer(`\n`, "\n", `\"`, `"`, `\\`, `\`).Replace(val[1 : len(val)-1])
		case len(val) >= 2 && val[0] == '\'' && val[len(val)-1] == '\'':
			val = val[1 : len(val)-1]
		default:
			if i := strings.Index(val, " #"); i >= 0 {
				val = strings.TrimSpace(val[:i])
			}
		}
		if key != "" {
			out[key] = val
		}
	}
	return out
}

// readDotenv returns the variables of path; a missing file is empty.
func readDotenv(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return parseDotenv(data), nil
}

// setDotenv sets key in the .env at path, keeping every other line, mode 0600.
func setDotenv(path, key, value string) error {
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("read %s: %w", path, err)
	}
	var lines []string
	replaced := false
	if len(data) > 0 {
		for _, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
			k, _, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(line), "export "), "=")
			if ok && strings.TrimSpace(k) == key {
				if replaced {
					continue
				}
				line, replaced = key+"="+value, true
			}
			lines = append(lines, line)
		}
	}
	if !replaced {
		lines = append(lines, key+"="+value)
	}
	if err := mkdirPrivate(filepath.Dir(path)); err != nil {
		return err
	}
	return writeFileAtomic(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
}

// newJWTSecret is 32 random bytes, hex (64 characters).
func newJWTSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// ensureJWTSecret makes sure the agent JWT secret exists in the environment or the .env;
// it reports what it did as one line.
func (a *app) ensureJWTSecret(inst *instance) (string, error) {
	if v, ok := a.lookupEnv(jwtSecretKey); ok && v != "" {
		return "Using existing " + jwtSecretKey + " from the environment", nil
	}
	vars, err := readDotenv(inst.EnvPath())
	if err != nil {
		return "", err
	}
	if vars[jwtSecretKey] != "" {
		a.dotenv[jwtSecretKey] = vars[jwtSecretKey]
		return "Using existing " + jwtSecretKey + " in " + inst.EnvPath(), nil
	}
	secret, err := newJWTSecret()
	if err != nil {
		return "", err
	}
	if err := setDotenv(inst.EnvPath(), jwtSecretKey, secret); err != nil {
		return "", err
	}
	a.dotenv[jwtSecretKey] = secret
	return "Created " + jwtSecretKey + " in " + inst.EnvPath(), nil
}

// serverOnlyDotenv are .env variables only the server itself may see: the agent JWT
// secret would let a child mint tokens for any agent, the master key decrypts every
// stored secret. They reach the server as server.Config fields.
var serverOnlyDotenv = map[string]bool{
	jwtSecretKey: true, "PAPERCLIP_SECRETS_MASTER_KEY": true, "PAPERCLIP_SECRETS_MASTER_KEY_FILE": true, "DATABASE_URL": true,
}

// childEnv is the part of the instance .env that child processes receive
// (server.Config.ChildEnv): variables the real environment does not set (it wins, §1),
// without the server-only ones. Nothing is exported into this process's environment.
func (a *app) childEnv() map[string]string {
	out := map[string]string{}
	for k, v := range a.dotenv {
		if _, ok := a.lookupEnv(k); !ok && !serverOnlyDotenv[k] {
			out[k] = v
		}
	}
	return out
}

// decodeMasterKey accepts the base64 text of a key file or PAPERCLIP_SECRETS_MASTER_KEY.
func decodeMasterKey(text string) ([]byte, error) {
	text = strings.TrimSpace(text)
	key, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		key, err = base64.RawStdEncoding.DecodeString(text)
	}
	if err != nil {
		return nil, errors.New("not valid base64")
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("decodes to %d bytes, want 32", len(key))
	}
	return key, nil
}

// createMasterKey writes 32 random bytes, base64, mode 0600 in a 0700 directory. It
// never replaces an existing file: that would orphan every stored secret.
func createMasterKey(path string) error {
	if err := mkdirPrivate(filepath.Dir(path)); err != nil {
		return err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create master key: %w", err)
	}
	if _, err := f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n"); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func isWindows() bool { return runtime.GOOS == "windows" }
