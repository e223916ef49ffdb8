package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/minimalinfra/mvi/engine/cloud"
)

// RDS: DB subnet groups (in an EC2 VPC, covering at least two zones) and
// single DB instances of postgres, mysql and mariadb. An instance passes
// creating → backing-up → available on the clock, modifying → available
// after ModifyDBInstance, deleting → gone after DeleteDBInstance. It holds
// a requester-managed ENI ("amazon-rds") in one subnet of its group (two
// with MultiAZ), with its security groups, so EC2 refuses to delete those
// subnets and groups (DependencyViolation) while the database exists; the
// ENIs linger a few seconds after the database is gone, as AWS's do.
// The master password is checked against RDS's rules and never stored.

type rdsAPI struct{ s *Sandbox }

var _ cloud.RDS = (*rdsAPI)(nil)

type rdsState struct {
	SubnetGroups map[string]*rdsSubnetGroup `json:"subnet_groups"`
	Instances    map[string]*rdsInstance    `json:"instances"`
	// Snapshots are final snapshots deletes took (rds_snapshots.go).
	Snapshots map[string]*rdsSnapshot `json:"snapshots,omitempty"`
}

type rdsSubnetGroup struct {
	Meta
	Name        string   `json:"name"`
	Description string   `json:"description"`
	VPC         string   `json:"vpc"`
	Subnets     []string `json:"subnets"`
}

type rdsInstance struct {
	Meta
	Class         string    `json:"class"`
	Engine        string    `json:"engine"`
	EngineVersion string    `json:"engine_version"`
	License       string    `json:"license"`
	Storage       int32     `json:"storage_gib"`
	StorageType   string    `json:"storage_type"`
	Iops          int32     `json:"iops,omitempty"`
	Throughput    int32     `json:"throughput,omitempty"`
	MaxStorage    int32     `json:"max_storage_gib,omitempty"`
	DBName        string    `json:"db_name,omitempty"`
	Username      string    `json:"username"`
	SecretARN     string    `json:"secret_arn,omitempty"` // ManageMasterUserPassword
	SecretKey     string    `json:"secret_kms_key,omitempty"`
	SubnetGroup   string    `json:"subnet_group,omitempty"` // "" = the default VPC
	VPC           string    `json:"vpc"`
	AZ            string    `json:"az"`
	SecondaryAZ   string    `json:"secondary_az,omitempty"`
	SGs           []string  `json:"security_groups"`
	Encrypted     bool      `json:"encrypted"`
	KMSKey        string    `json:"kms_key,omitempty"`
	Public        bool      `json:"public"`
	Port          int32     `json:"port"`
	BackupDays    int32     `json:"backup_days"`
	MultiAZ       bool      `json:"multi_az,omitempty"`
	Protected     bool      `json:"deletion_protection,omitempty"`
	CopyTags      bool      `json:"copy_tags_to_snapshot,omitempty"`
	AutoMinor     bool      `json:"auto_minor_version_upgrade"`
	IAMAuth       bool      `json:"iam_auth,omitempty"`
	LogExports    []string  `json:"log_exports,omitempty"`
	ResourceID    string    `json:"resource_id"`
	Host          string    `json:"host"`
	Status        string    `json:"status"`
	BackupAt      time.Time `json:"backup_at"`             // creating ends
	ReadyAt       time.Time `json:"ready_at"`              // backing-up ends
	ModifyAt      time.Time `json:"modify_at,omitempty"`   // modifying ends
	GoneAt        time.Time `json:"gone_at,omitempty"`     // deleting ends
	CreateTime    time.Time `json:"create_time,omitempty"` // InstanceCreateTime
	Pending       *rdsPend  `json:"pending,omitempty"`
}

// rdsPend are modifications not applied yet (shown as PendingModifiedValues).
type rdsPend struct {
	Class       string `json:"class,omitempty"`
	Storage     int32  `json:"storage_gib,omitempty"`
	StorageType string `json:"storage_type,omitempty"`
	Iops        int32  `json:"iops,omitempty"`
	Port        int32  `json:"port,omitempty"`
	MultiAZ     *bool  `json:"multi_az,omitempty"`
	Version     string `json:"engine_version,omitempty"`
	Password    bool   `json:"password,omitempty"` // a new master password is being set (never stored)
	Apply       bool   `json:"apply,omitempty"`    // applied when modifying ends (ApplyImmediately)
}

func (p *rdsPend) empty() bool {
	return p == nil || (p.Class == "" && p.Storage == 0 && p.StorageType == "" && p.Iops == 0 && p.Port == 0 &&
		p.MultiAZ == nil && p.Version == "" && !p.Password)
}

// slow reports pending changes that wait for ApplyImmediately (or a
// maintenance window).
func (p *rdsPend) slow() bool {
	return p != nil && (p.Class != "" || p.Storage != 0 || p.StorageType != "" || p.Iops != 0 || p.Port != 0 ||
		p.MultiAZ != nil || p.Version != "")
}

type rdsEngine struct {
	port        int32
	license     string
	maxUser     int
	maxPassword int
	versions    map[string]string // major → default full version
	latest      string
}

var rdsEngines = map[string]rdsEngine{
	"postgres": {port: 5432, license: "postgresql-license", maxUser: 63, maxPassword: 128, latest: "17",
		versions: map[string]string{"13": "13.20", "14": "14.17", "15": "15.12", "16": "16.8", "17": "17.4"}},
	"mysql": {port: 3306, license: "general-public-license", maxUser: 32, maxPassword: 41, latest: "8.0",
		versions: map[string]string{"8.0": "8.0.41", "8.4": "8.4.4"}},
	"mariadb": {port: 3306, license: "general-public-license", maxUser: 16, maxPassword: 41, latest: "11.4",
		versions: map[string]string{"10.6": "10.6.21", "10.11": "10.11.11", "11.4": "11.4.5"}},
}

// rdsMajor is the part of a version that names the parameter group family.
func rdsMajor(engine, version string) string {
	p := strings.Split(version, ".")
	if engine == "postgres" || len(p) < 2 {
		return p[0]
	}
	return p[0] + "." + p[1]
}

var (
	rdsIdentRE   = regexp.MustCompile(`^[a-zA-Z](?:[a-zA-Z0-9]|-[a-zA-Z0-9])*$`)
	rdsGroupRE   = regexp.MustCompile(`^[a-zA-Z0-9 ._-]+$`)
	rdsClassRE   = regexp.MustCompile(`^db\.([a-z][a-z0-9-]*)\.(micro|small|medium|large|xlarge|[0-9]+xlarge|metal)$`)
	rdsUserRE    = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]*$`)
	rdsDBNameRE  = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]*$`)
	rdsReserved  = map[string]bool{"rdsadmin": true, "rdsrepladmin": true, "rds_superuser": true, "rdsproxyadmin": true}
	rdsZoneHosts = map[string]string{"us-east-1": "Z2R2ITUGPM61AM", "us-east-2": "Z2XHWR1WZ565X2", "us-west-1": "Z10WI91S59XXQN",
		"us-west-2": "Z1PVIF0B656C1W", "eu-west-1": "Z29XKXDKYMONMX", "eu-central-1": "Z1RLNUO7B9Q6NB", "ap-northeast-1": "Z24O6O9L7SGTNB"}
)

func dbNotFound(id string) error {
	return &rdstypes.DBInstanceNotFoundFault{Message: aws.String("DBInstance " + id + " not found.")}
}

func subnetGroupNotFound(name string) error {
	return &rdstypes.DBSubnetGroupNotFoundFault{Message: aws.String("DBSubnetGroup '" + name + "' not found.")}
}

// rdsHost is the account's per-region part of RDS endpoints
// (<id>.<host>.<region>.rds.amazonaws.com), stable like AWS's.
func rdsHost(account, region string) string {
	h := sha256.Sum256([]byte("rds|" + account + "|" + region))
	const a = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 12)
	for i := range b {
		b[i] = a[int(h[i])%len(a)]
	}
	return string(b)
}

// managedKeyARN is the ARN of the AWS managed key alias/aws/<service> in
// this account and region (stable; the sandbox never materialises it).
func managedKeyARN(t *tx, service string) string {
	h := sha256.Sum256([]byte("aws-managed|" + t.account() + "|" + t.regionName() + "|" + service))
	x := hex.EncodeToString(h[:16])
	return t.kmsKeyARN(x[0:8] + "-" + x[8:12] + "-4" + x[13:16] + "-8" + x[17:20] + "-" + x[20:32])
}

// releaseENIsAt schedules the release of an owner's ENIs at a time (the
// time their owner went away, not the time somebody noticed).
func (t *tx) releaseENIsAt(owner string, at time.Time) {
	for _, id := range sortedKeys(t.r.EC2.ENIs) {
		if e := t.r.EC2.ENIs[id]; e.Owner == owner && e.ReleaseAt.IsZero() {
			e.ReleaseAt = at
		}
	}
}

// defaultGroupOf is the default security group of a VPC ("" if none).
func (t *tx) defaultGroupOf(vpcID string) string {
	for _, id := range sortedKeys(t.r.EC2.SecurityGroups) {
		if g := t.r.EC2.SecurityGroups[id]; g.VPC == vpcID && g.Default {
			return id
		}
	}
	return ""
}

// rdsMaxRecords checks MaxRecords (20–100, default 100).
func rdsMaxRecords(n *int32) (int, error) {
	if n == nil {
		return 100, nil
	}
	if *n < 20 || *n > 100 {
		return 0, errf("InvalidParameterValue", "Invalid value %d for MaxRecords. Must be between 20 and 100", *n)
	}
	return int(*n), nil
}

func advanceRDS(t *tx) {
	for _, id := range sortedKeys(t.r.RDS.Instances) {
		db := t.r.RDS.Instances[id]
		if db.Status == "creating" && t.reached(db.BackupAt) {
			db.CreateTime = db.BackupAt
			db.Status = "backing-up"
			if !db.ReadyAt.After(db.BackupAt) {
				db.Status = "available"
			}
			t.touch()
		}
		if db.Status == "backing-up" && t.reached(db.ReadyAt) {
			db.Status = "available"
			t.touch()
		}
		if (db.Status == "modifying" || db.Status == "resetting-master-credentials") && t.reached(db.ModifyAt) {
			db.applyPending()
			db.Status, db.ModifyAt = "available", time.Time{}
			t.touch()
		}
		if db.Status == "deleting" && t.reached(db.GoneAt) {
			t.releaseENIsAt(db.ARN, db.GoneAt.Add(t.dur(paceENIRelease)))
			delete(t.r.RDS.Instances, id)
			t.touch()
		}
	}
}
