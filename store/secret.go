package store

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Secret providers. Only local_encrypted stores anything in V1; the others are listed
// so the UI can show what is coming.
const (
	ProviderLocalEncrypted = "local_encrypted"
	maxSecretValueBytes    = 65536
)

// SecretProvider is one entry of the providers route.
type SecretProvider struct {
	ID                  string `json:"id"`
	Label               string `json:"label"`
	RequiresExternalRef bool   `json:"requiresExternalRef"`
	Available           bool   `json:"available"`
}

// SecretProviders lists the providers this build knows.
func SecretProviders() []SecretProvider {
	return []SecretProvider{
		{ProviderLocalEncrypted, "Local encrypted (default)", false, true},
		{"aws_secrets_manager", "AWS Secrets Manager", true, false},
		{"gcp_secret_manager", "GCP Secret Manager", true, false},
		{"vault", "HashiCorp Vault", true, false},
	}
}

// Secret is a company secret's metadata. Its value is write-only: no field of this type
// ever holds plaintext or stored material.
type Secret struct {
	ID               string  `json:"id"`
	CompanyID        string  `json:"companyId"`
	Key              string  `json:"key"`
	Name             string  `json:"name"`
	Provider         string  `json:"provider"`
	Status           string  `json:"status"`
	ManagedMode      string  `json:"managedMode"`
	ExternalRef      *string `json:"externalRef"`
	LatestVersion    int64   `json:"latestVersion"`
	Description      *string `json:"description"`
	LastResolvedAt   *string `json:"lastResolvedAt"`
	LastRotatedAt    *string `json:"lastRotatedAt"`
	CreatedByAgentID *string `json:"createdByAgentId"`
	CreatedByUserID  *string `json:"createdByUserId"`
	CreatedAt        string  `json:"createdAt"`
	UpdatedAt        string  `json:"updatedAt"`
}

// SecretListItem is a list row: the secret plus how many env bindings point at it.
type SecretListItem struct {
	Secret
	ReferenceCount int `json:"referenceCount"`
}

// SecretBinding is one env binding that references a secret.
type SecretBinding struct {
	TargetType      string `json:"targetType"`
	TargetID        string `json:"targetId"`
	TargetName      string `json:"targetName"`
	ConfigPath      string `json:"configPath"`
	VersionSelector any    `json:"versionSelector"`
}

// SecretUsage is the usage route's answer.
type SecretUsage struct {
	SecretID string          `json:"secretId"`
	Bindings []SecretBinding `json:"bindings"`
}

// SecretInput is the create body.
type SecretInput struct {
	Name        Optional[string] `json:"name"`
	Key         Optional[string] `json:"key"`
	Value       Optional[string] `json:"value"`
	Provider    Optional[string] `json:"provider"`
	Description Optional[string] `json:"description"`
}

// SecretPatch is the update body; the value changes only through rotate.
type SecretPatch struct {
	Name        Optional[string] `json:"name"`
	Key         Optional[string] `json:"key"`
	Description Optional[string] `json:"description"`
	Status      Optional[string] `json:"status"`
}

// SecretRotation is the rotate body.
type SecretRotation struct {
	Value Optional[string] `json:"value"`
}

// SecretFilter selects list rows.
type SecretFilter struct {
	CompanyID     string
	Status        string
	Limit, Offset int
}

var (
	secretKeyRe   = regexp.MustCompile(`^[a-zA-Z0-9_.-]+$`)
	nonKeyCharsRe = regexp.MustCompile(`[^A-Z0-9]+`)
)

// SecretKeyFromName derives the default key: upper case, runs of other characters
// folded into "_", no leading or trailing "_".
func SecretKeyFromName(name string) string {
	return strings.Trim(nonKeyCharsRe.ReplaceAllString(strings.ToUpper(name), "_"), "_")
}

func validateSecretName(p *Problems, v Optional[string], required bool) {
	switch {
	case !v.Set:
		if required {
			p.Required("name")
		}
	case v.Null:
		p.Add("invalid_type", "Expected string, received null", "name")
	case strings.TrimSpace(v.Value) == "":
		p.Add("too_small", "String must contain at least 1 character(s)", "name")
	case utf8.RuneCountInString(strings.TrimSpace(v.Value)) > 200:
		p.Add("too_big", "String must contain at most 200 character(s)", "name")
	}
}

func validateSecretKey(p *Problems, v Optional[string]) {
	switch {
	case !v.Set:
	case v.Null:
		p.Add("invalid_type", "Expected string, received null", "key")
	case len(v.Value) > 120:
		p.Add("too_big", "String must contain at most 120 character(s)", "key")
	case !secretKeyRe.MatchString(v.Value):
		p.Add("invalid_string", "Invalid", "key")
	}
}

func validateSecretValue(p *Problems, v Optional[string]) {
	switch {
	case !v.Set || v.Null:
		p.Required("value")
	case len(v.Value) == 0:
		p.Add("too_small", "String must contain at least 1 character(s)", "value")
	case len(v.Value) > maxSecretValueBytes:
		p.Add("too_big", "String must contain at most 65536 character(s)", "value")
	}
}

// Validate checks the create body.
func (in *SecretInput) Validate() error {
	var p Problems
	validateSecretName(&p, in.Name, true)
	validateSecretKey(&p, in.Key)
	validateSecretValue(&p, in.Value)
	if in.Provider.Set && in.Provider.Null {
		p.Add("invalid_type", "Expected string, received null", "provider")
	}
	if in.Key.Ptr() == nil && in.Name.Ptr() != nil && SecretKeyFromName(*in.Name.Ptr()) == "" {
		p.Add("custom", "Cannot derive a key from this name; give a key", "key")
	}
	return p.Err()
}

// Validate checks the update body.
func (in *SecretPatch) Validate() error {
	var p Problems
	validateSecretName(&p, in.Name, false)
	validateSecretKey(&p, in.Key)
	statuses := []string{"active", "disabled", "archived"}
	if v := in.Status; v.Set && (v.Null || !contains(statuses, v.Value)) {
		p.Add("invalid_enum_value", enumMessage(statuses, v.Value), "status")
	}
	return p.Err()
}

// Validate checks the rotate body.
func (in *SecretRotation) Validate() error {
	var p Problems
	validateSecretValue(&p, in.Value)
	return p.Err()
}
