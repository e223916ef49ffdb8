package manifest

import (
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Defaults: chosen so the book's Hello World needs three lines, and so an app
// left at defaults is secure and cheap.
const (
	DefaultRegion        = "us-east-1"
	DefaultCPU           = 256
	DefaultMemory        = 512
	DefaultHealth        = "/"
	DefaultVMType        = "t3.small"
	DefaultDBEngine      = "postgres"
	DefaultDBSize        = "db.t4g.micro"
	DefaultDBStorage     = 20
	DefaultDBName        = "app"
	DefaultDBUser        = "mvi"
	DefaultFSPath        = "/mnt/shared"
	DefaultKVEngine      = KVDynamoDB
	DefaultKVSize        = "cache.t4g.micro"
	DefaultKVNodes       = 1
	DefaultReleaseKeep   = 10
	DefaultRetentionDays = 30
	DefaultCPUAlarm      = 80
	DefaultErrorsAlarm   = 10
	DefaultUnhealthy     = 1
	// The seed's smoke test: "once a minute … alerts if there's five
	// failures in a row".
	DefaultCheckEvery = "1m"
	DefaultAlarmAfter = 5
)

// The engines of [kv]: their one spelling.
const (
	KVDynamoDB = "dynamodb"
	KVRedis    = "redis"
)

var nameUnsafe = regexp.MustCompile(`[^a-z0-9-]+`)

// NameFromDir turns a directory name into an app name mvi accepts.
func NameFromDir(dir string) string {
	base := strings.ToLower(filepath.Base(dir))
	base = strings.Trim(nameUnsafe.ReplaceAllString(base, "-"), "-")
	if len(base) > 32 {
		base = strings.Trim(base[:32], "-")
	}
	return base
}

// ApplyDefaults fills every unset field. It never overrides what the author
// wrote, and it is idempotent.
func (m *Manifest) ApplyDefaults() {
	if m.Name == "" && m.File != "" {
		abs, err := filepath.Abs(m.File)
		if err == nil {
			m.Name = NameFromDir(filepath.Dir(abs))
		}
	}
	if m.Region == "" {
		m.Region = DefaultRegion
	}
	for _, p := range m.Processes {
		if p == nil {
			continue
		}
		if p.Count == 0 {
			p.Count = 1
			if p.Port != 0 {
				p.Count = 2
			}
		}
		if p.CPU == 0 {
			p.CPU = DefaultCPU
		}
		if p.Memory == 0 {
			p.Memory = DefaultMemory
		}
		if p.Health == "" && p.Port != 0 {
			p.Health = DefaultHealth
		}
	}
	if m.VM == nil {
		m.VM = &VM{}
	}
	if m.VM.Type == "" {
		m.VM.Type = DefaultVMType
	}
	if m.VM.Count == 0 {
		m.VM.Count = 1
		if m.HasPort() {
			m.VM.Count = 2
		}
	}
	if m.Database != nil {
		if m.Database.Engine == "" {
			m.Database.Engine = DefaultDBEngine
		}
		if m.Database.DBName == "" {
			m.Database.DBName = DefaultDBName
		}
		if m.Database.User == "" {
			m.Database.User = DefaultDBUser
		}
		if m.Database.Size == "" {
			m.Database.Size = DefaultDBSize
		}
		if m.Database.Storage == 0 {
			m.Database.Storage = DefaultDBStorage
		}
	}
	if m.KV != nil {
		if m.KV.Engine == "" {
			m.KV.Engine = DefaultKVEngine
		}
		if m.KV.Redis() && m.KV.Size == "" {
			m.KV.Size = DefaultKVSize
		}
		if m.KV.Redis() && m.KV.Nodes == 0 {
			m.KV.Nodes = DefaultKVNodes
		}
	}
	if m.FS != nil && m.FS.Path == "" {
		m.FS.Path = DefaultFSPath
	}
	if m.HasBuild() && m.Registry == nil {
		m.Registry = &Registry{}
	}
	if m.HasBuild() && m.Release == nil {
		m.Release = &Release{}
	}
	if m.Release != nil && m.Release.Keep == 0 {
		m.Release.Keep = DefaultReleaseKeep
	}
	if m.Log == nil {
		m.Log = &Log{}
	}
	if m.Log.RetentionDays == 0 {
		m.Log.RetentionDays = DefaultRetentionDays
	}
	if m.Metric == nil {
		m.Metric = &Metric{}
	}
	if m.Metric.CPU == 0 {
		m.Metric.CPU = DefaultCPUAlarm
	}
	if m.Metric.Errors5xx == 0 {
		m.Metric.Errors5xx = DefaultErrorsAlarm
	}
	if m.Metric.UnhealthyHosts == 0 {
		m.Metric.UnhealthyHosts = DefaultUnhealthy
	}
	m.checkDefaults()
}

// checkDefaults gives every app with a public process its smoke check: an
// app people reach is one whose breakage somebody must hear of.
func (m *Manifest) checkDefaults() {
	def := m.DefaultProcess()
	if def == "" {
		return
	}
	if m.Check == nil {
		m.Check = &Check{}
	}
	if m.Check.Path == "" {
		m.Check.Path = m.Processes[def].Health
		if m.Check.Path == "" {
			m.Check.Path = DefaultHealth
		}
	}
	if m.Check.Every == "" {
		m.Check.Every = DefaultCheckEvery
	}
	if m.Check.AlarmAfter == 0 {
		m.Check.AlarmAfter = DefaultAlarmAfter
	}
}

// HasPort reports whether any process listens on a port.
func (m *Manifest) HasPort() bool {
	for _, p := range m.Processes {
		if p != nil && p.Port != 0 {
			return true
		}
	}
	return false
}

// HasBuild reports whether any process is built from source.
func (m *Manifest) HasBuild() bool {
	for _, p := range m.Processes {
		if p != nil && p.Build != "" {
			return true
		}
	}
	return false
}

// ProcessNames returns the process names in a stable order: web first (the
// book's convention for the public process), then alphabetical.
func (m *Manifest) ProcessNames() []string {
	names := make([]string, 0, len(m.Processes))
	for n := range m.Processes {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if (names[i] == "web") != (names[j] == "web") {
			return names[i] == "web"
		}
		return names[i] < names[j]
	})
	return names
}
