package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
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
	return t.arn("kms", "key/"+x[0:8]+"-"+x[8:12]+"-4"+x[13:16]+"-8"+x[17:20]+"-"+x[20:32])
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

func rdsTagMap(ts []rdstypes.Tag) (map[string]string, error) {
	m := map[string]string{}
	for _, tg := range ts {
		k := aws.ToString(tg.Key)
		if k == "" || len(k) > 128 || len(aws.ToString(tg.Value)) > 256 {
			return nil, errf("InvalidParameterValue", "Tag keys must be 1 to 128 characters and values at most 256 characters.")
		}
		m[k] = aws.ToString(tg.Value)
	}
	if k, bad := reservedTag(m); bad {
		return nil, errf("InvalidParameterValue", "Tag key %s is not valid: keys can't start with 'aws:'.", k)
	}
	for k := range m {
		if strings.HasPrefix(strings.ToLower(k), "rds:") {
			return nil, errf("InvalidParameterValue", "Tag key %s is not valid: keys can't start with 'rds:'.", k)
		}
	}
	return m, nil
}

func rdsTagList(m map[string]string) []rdstypes.Tag {
	out := []rdstypes.Tag{}
	for _, k := range sortedKeys(m) {
		out = append(out, rdstypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

func setRDSTags(m *Meta, kv map[string]string) error {
	n := len(m.Tags)
	for k := range kv {
		if _, ok := m.Tags[k]; !ok {
			n++
		}
	}
	if n > 50 {
		return errf("TagQuotaPerResourceExceeded", "The quota of 50 tags per resource has been exceeded.")
	}
	m.setTags(kv)
	return nil
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

// --- subnet groups ---

func (t *tx) subnetGroup(name string) (*rdsSubnetGroup, error) {
	g := t.r.RDS.SubnetGroups[strings.ToLower(name)]
	if g == nil || t.hidden(g.Created) {
		return nil, subnetGroupNotFound(name)
	}
	return g, nil
}

// groupSubnets validates the subnets of a group: they exist, share a VPC
// and cover at least two zones.
func (t *tx) groupSubnets(ids []string) ([]*subnet, string, error) {
	if len(ids) == 0 {
		return nil, "", errf("InvalidParameterValue", "Subnet IDs are required.")
	}
	if len(ids) > 20 {
		return nil, "", &rdstypes.DBSubnetQuotaExceededFault{Message: aws.String("The request would result in the user exceeding the allowed number of subnets in a DB subnet groups.")}
	}
	var out []*subnet
	seen := map[string]bool{}
	var bad []string
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		s := t.r.EC2.Subnets[id]
		if s == nil || t.hidden(s.Created) {
			bad = append(bad, id)
			continue
		}
		out = append(out, s)
	}
	if len(bad) > 0 {
		return nil, "", &rdstypes.InvalidSubnet{Message: aws.String("Some input subnets in :[" + strings.Join(bad, ", ") + "] are invalid.")}
	}
	vpcID := out[0].VPC
	zs := map[string]bool{}
	for _, s := range out {
		if s.VPC != vpcID {
			return nil, "", &rdstypes.InvalidSubnet{Message: aws.String("Subnets in a DB subnet group must be in the same VPC: " + s.ID + " is in " + s.VPC + ", " + out[0].ID + " in " + vpcID + ".")}
		}
		zs[s.AZ] = true
	}
	if len(zs) < 2 {
		return nil, "", &rdstypes.DBSubnetGroupDoesNotCoverEnoughAZs{Message: aws.String("The DB subnet group doesn't meet Availability Zone (AZ) coverage requirement. Current AZ coverage: " +
			strings.Join(sortedKeys(zs), ", ") + ". Add subnets to cover at least 2 AZs.")}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, vpcID, nil
}

func (t *tx) subnetGroupOut(g *rdsSubnetGroup) *rdstypes.DBSubnetGroup {
	out := &rdstypes.DBSubnetGroup{
		DBSubnetGroupName: aws.String(g.Name), DBSubnetGroupDescription: aws.String(g.Description), VpcId: aws.String(g.VPC),
		SubnetGroupStatus: aws.String("Complete"), SupportedNetworkTypes: []string{"IPV4"}, Subnets: []rdstypes.Subnet{},
	}
	if g.ARN != "" {
		out.DBSubnetGroupArn = aws.String(g.ARN)
	}
	for _, id := range g.Subnets {
		sn := rdstypes.Subnet{SubnetIdentifier: aws.String(id), SubnetOutpost: &rdstypes.Outpost{}, SubnetStatus: aws.String("Active")}
		if s := t.r.EC2.Subnets[id]; s != nil {
			sn.SubnetAvailabilityZone = &rdstypes.AvailabilityZone{Name: aws.String(s.AZ)}
		} else {
			sn.SubnetStatus = aws.String("Inactive")
		}
		out.Subnets = append(out.Subnets, sn)
	}
	return out
}

// defaultSubnetGroup is the implicit "default" group of the default VPC.
func (t *tx) defaultSubnetGroup() *rdsSubnetGroup {
	v := t.defaultVPC()
	if v == nil {
		return nil
	}
	g := &rdsSubnetGroup{Name: "default", Description: "default", VPC: v.ID}
	for _, id := range sortedKeys(t.r.EC2.Subnets) {
		if s := t.r.EC2.Subnets[id]; s.VPC == v.ID {
			g.Subnets = append(g.Subnets, id)
		}
	}
	return g
}

func (a *rdsAPI) CreateDBSubnetGroup(ctx context.Context, in *rds.CreateDBSubnetGroupInput, _ ...func(*rds.Options)) (*rds.CreateDBSubnetGroupOutput, error) {
	return call(ctx, a.s, svcRDS, "CreateDBSubnetGroup", func(t *tx) (*rds.CreateDBSubnetGroupOutput, error) {
		name := aws.ToString(in.DBSubnetGroupName)
		if name == "" || len(name) > 255 || !rdsGroupRE.MatchString(name) {
			return nil, errf("InvalidParameterValue", "The parameter DBSubnetGroupName is not a valid identifier. It must contain no more than 255 letters, numbers, periods, underscores, spaces, or hyphens.")
		}
		key := strings.ToLower(name)
		if key == "default" {
			return nil, errf("InvalidParameterValue", "DBSubnetGroupName must not be 'default'.")
		}
		if in.DBSubnetGroupDescription == nil {
			return nil, errf("InvalidParameterValue", "The parameter DBSubnetGroupDescription must be provided.")
		}
		if t.r.RDS.SubnetGroups[key] != nil {
			return nil, &rdstypes.DBSubnetGroupAlreadyExistsFault{Message: aws.String("The DB subnet group '" + key + "' already exists.")}
		}
		subnets, vpcID, err := t.groupSubnets(in.SubnetIds)
		if err != nil {
			return nil, err
		}
		tags, err := rdsTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		if len(t.r.RDS.SubnetGroups) >= 150 {
			return nil, &rdstypes.DBSubnetGroupQuotaExceededFault{Message: aws.String("The request would result in the user exceeding the allowed number of DB subnet groups.")}
		}
		g := &rdsSubnetGroup{Meta: Meta{ID: key, ARN: t.arn("rds", "subgrp:"+key), Created: t.now},
			Name: key, Description: aws.ToString(in.DBSubnetGroupDescription), VPC: vpcID}
		for _, s := range subnets {
			g.Subnets = append(g.Subnets, s.ID)
		}
		if err := setRDSTags(&g.Meta, tags); err != nil {
			return nil, err
		}
		t.r.RDS.SubnetGroups[key] = g
		return &rds.CreateDBSubnetGroupOutput{DBSubnetGroup: t.subnetGroupOut(g)}, nil
	})
}

func (a *rdsAPI) ModifyDBSubnetGroup(ctx context.Context, in *rds.ModifyDBSubnetGroupInput, _ ...func(*rds.Options)) (*rds.ModifyDBSubnetGroupOutput, error) {
	return call(ctx, a.s, svcRDS, "ModifyDBSubnetGroup", func(t *tx) (*rds.ModifyDBSubnetGroupOutput, error) {
		g, err := t.subnetGroup(aws.ToString(in.DBSubnetGroupName))
		if err != nil {
			return nil, err
		}
		subnets, vpcID, err := t.groupSubnets(in.SubnetIds)
		if err != nil {
			return nil, err
		}
		keep := map[string]bool{}
		for _, s := range subnets {
			keep[s.ID] = true
		}
		for _, id := range sortedKeys(t.r.RDS.Instances) {
			db := t.r.RDS.Instances[id]
			if db.SubnetGroup != g.Name {
				continue
			}
			if vpcID != g.VPC {
				return nil, &rdstypes.InvalidDBSubnetGroupStateFault{Message: aws.String("The DB subnet group '" + g.Name + "' is in use by DB instance " + db.ID + " and can't move to another VPC.")}
			}
			for _, e := range t.r.EC2.ENIs {
				if e.Owner == db.ARN && e.ReleaseAt.IsZero() && !keep[e.Subnet] {
					return nil, &rdstypes.SubnetAlreadyInUse{Message: aws.String("The DB subnet " + e.Subnet + " is already in use by DB instance " + db.ID + ".")}
				}
			}
		}
		g.VPC, g.Subnets = vpcID, nil
		for _, s := range subnets {
			g.Subnets = append(g.Subnets, s.ID)
		}
		if in.DBSubnetGroupDescription != nil {
			g.Description = *in.DBSubnetGroupDescription
		}
		return &rds.ModifyDBSubnetGroupOutput{DBSubnetGroup: t.subnetGroupOut(g)}, nil
	})
}

func (a *rdsAPI) DeleteDBSubnetGroup(ctx context.Context, in *rds.DeleteDBSubnetGroupInput, _ ...func(*rds.Options)) (*rds.DeleteDBSubnetGroupOutput, error) {
	return call(ctx, a.s, svcRDS, "DeleteDBSubnetGroup", func(t *tx) (*rds.DeleteDBSubnetGroupOutput, error) {
		name := aws.ToString(in.DBSubnetGroupName)
		if strings.EqualFold(name, "default") {
			return nil, &rdstypes.InvalidDBSubnetGroupStateFault{Message: aws.String("Cannot delete the default subnet group.")}
		}
		g, err := t.subnetGroup(name)
		if err != nil {
			return nil, err
		}
		for _, id := range sortedKeys(t.r.RDS.Instances) {
			if t.r.RDS.Instances[id].SubnetGroup == g.Name {
				return nil, &rdstypes.InvalidDBSubnetGroupStateFault{Message: aws.String("Cannot delete the subnet group '" + g.Name + "' because at least one database instance: " + id + " is still using it.")}
			}
		}
		delete(t.r.RDS.SubnetGroups, g.Name)
		return &rds.DeleteDBSubnetGroupOutput{}, nil
	})
}

func (a *rdsAPI) DescribeDBSubnetGroups(ctx context.Context, in *rds.DescribeDBSubnetGroupsInput, _ ...func(*rds.Options)) (*rds.DescribeDBSubnetGroupsOutput, error) {
	return call(ctx, a.s, svcRDS, "DescribeDBSubnetGroups", func(t *tx) (*rds.DescribeDBSubnetGroupsOutput, error) {
		limit, err := rdsMaxRecords(in.MaxRecords)
		if err != nil {
			return nil, err
		}
		var all []rdstypes.DBSubnetGroup
		if n := aws.ToString(in.DBSubnetGroupName); n != "" {
			if strings.EqualFold(n, "default") {
				if g := t.defaultSubnetGroup(); g != nil {
					all = append(all, *t.subnetGroupOut(g))
				}
			} else {
				g, err := t.subnetGroup(n)
				if err != nil {
					return nil, err
				}
				all = append(all, *t.subnetGroupOut(g))
			}
		} else {
			for _, k := range sortedKeys(t.r.RDS.SubnetGroups) {
				if g := t.r.RDS.SubnetGroups[k]; !t.hidden(g.Created) {
					all = append(all, *t.subnetGroupOut(g))
				}
			}
		}
		items, next, err := page(all, in.Marker, limit)
		if err != nil {
			return nil, errf("InvalidParameterValue", "The marker is not valid.")
		}
		return &rds.DescribeDBSubnetGroupsOutput{DBSubnetGroups: items, Marker: next}, nil
	})
}

// --- instances ---

func (t *tx) dbInstance(id string) (*rdsInstance, error) {
	db := t.r.RDS.Instances[strings.ToLower(id)]
	if db == nil || t.hidden(db.Created) {
		return nil, dbNotFound(id)
	}
	return db, nil
}

// rdsKey resolves KmsKeyId (id, ARN, alias) to a usable key's ARN.
func (t *tx) rdsKey(ref string) (string, error) {
	k, err := t.kmsKeyRef(ref)
	if err == nil {
		err = k.usable()
	}
	if err != nil {
		return "", &rdstypes.KMSKeyNotAccessibleFault{Message: aws.String("The specified KMS key [" + ref + "] does not exist, is not enabled or you do not have permissions to access it.")}
	}
	return k.ARN, nil
}

// rdsGroups validates VpcSecurityGroupIds for a VPC (default: its default group).
func (t *tx) rdsGroups(ids []string, vpcID string) ([]string, error) {
	if len(ids) == 0 {
		if d := t.defaultGroupOf(vpcID); d != "" {
			return []string{d}, nil
		}
		return nil, nil
	}
	var out []string
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		g := t.r.EC2.SecurityGroups[id]
		if g == nil || t.hidden(g.Created) {
			return nil, errf("InvalidParameterValue", "Invalid security group , groupId= %s, groupName=.", id)
		}
		if g.VPC != vpcID {
			return nil, errf("InvalidParameterCombination", "The DB instance and EC2 security group are in different VPCs. The DB instance is in %s and the EC2 security group is in %s", vpcID, g.VPC)
		}
		out = append(out, id)
	}
	return out, nil
}

func checkRDSPassword(engine, pw string) error {
	e := rdsEngines[engine]
	if len(pw) < 8 || len(pw) > e.maxPassword {
		return errf("InvalidParameterValue", "The parameter MasterUserPassword is not a valid password because it is shorter than 8 characters or longer than %d.", e.maxPassword)
	}
	for _, c := range pw {
		if c < 0x20 || c > 0x7e || c == '/' || c == '@' || c == '"' || c == ' ' {
			return errf("InvalidParameterValue", "The parameter MasterUserPassword is not a valid password. Only printable ASCII characters besides '/', '@', '\"', ' ' may be used.")
		}
	}
	return nil
}

func checkRDSStorage(engine, typ string, gib, iops int32) error {
	min := int32(20)
	switch typ {
	case "gp2", "gp3", "standard":
		if iops != 0 && typ != "gp3" {
			return errf("InvalidParameterCombination", "You can't specify IOPS for storage type %s.", typ)
		}
		if typ == "standard" {
			min = 5
		}
	case "io1", "io2":
		min = 100
		if iops == 0 {
			return errf("InvalidParameterCombination", "Iops must be specified for storage type %s.", typ)
		}
	default:
		return errf("InvalidParameterValue", "Invalid storage type: %s", typ)
	}
	if gib < min || gib > 65536 {
		return errf("InvalidParameterValue", "Invalid storage size for engine name %s and storage type %s: %d", engine, typ, gib)
	}
	return nil
}

func (a *rdsAPI) CreateDBInstance(ctx context.Context, in *rds.CreateDBInstanceInput, _ ...func(*rds.Options)) (*rds.CreateDBInstanceOutput, error) {
	return call(ctx, a.s, svcRDS, "CreateDBInstance", func(t *tx) (*rds.CreateDBInstanceOutput, error) {
		ident := aws.ToString(in.DBInstanceIdentifier)
		if len(ident) < 1 || len(ident) > 63 || !rdsIdentRE.MatchString(ident) {
			return nil, errf("InvalidParameterValue", "The parameter DBInstanceIdentifier is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.")
		}
		id := strings.ToLower(ident)
		if t.r.RDS.Instances[id] != nil {
			return nil, &rdstypes.DBInstanceAlreadyExistsFault{Message: aws.String("DB instance already exists")}
		}
		engine := aws.ToString(in.Engine)
		eng, ok := rdsEngines[engine]
		if !ok {
			if strings.HasPrefix(engine, "aurora") {
				return nil, errf("InvalidParameterCombination", "The sandbox doesn't model Aurora DB clusters; use engine postgres, mysql or mariadb.")
			}
			return nil, errf("InvalidParameterValue", "Invalid DB engine: %s", engine)
		}
		if in.DBClusterIdentifier != nil {
			return nil, errf("InvalidParameterCombination", "The requested DB instance will be a member of a DB cluster. You don't need to set DBClusterIdentifier for engine %s.", engine)
		}
		version := aws.ToString(in.EngineVersion)
		if version == "" {
			version = eng.versions[eng.latest]
		} else if full, ok := eng.versions[version]; ok {
			version = full
		} else if _, ok := eng.versions[rdsMajor(engine, version)]; !ok {
			return nil, errf("InvalidParameterCombination", "Cannot find version %s for %s", version, engine)
		}
		class := aws.ToString(in.DBInstanceClass)
		m := rdsClassRE.FindStringSubmatch(class)
		if m == nil || ((m[2] == "micro" || m[2] == "small") && !strings.HasPrefix(m[1], "t")) {
			return nil, errf("InvalidParameterCombination", "RDS does not support creating a DB instance with the following combination: DBInstanceClass=%s, Engine=%s, EngineVersion=%s, LicenseModel=%s. For supported combinations of instance class and database engine version, see the documentation.", class, engine, version, eng.license)
		}
		if in.AllocatedStorage == nil {
			return nil, errf("InvalidParameterValue", "The parameter AllocatedStorage must be provided and must not be null.")
		}
		stype := aws.ToString(in.StorageType)
		if stype == "" {
			stype = "gp2"
			if in.Iops != nil {
				stype = "io1"
			}
		}
		if err := checkRDSStorage(engine, stype, *in.AllocatedStorage, aws.ToInt32(in.Iops)); err != nil {
			return nil, err
		}
		if ms := aws.ToInt32(in.MaxAllocatedStorage); ms != 0 && ms < *in.AllocatedStorage {
			return nil, errf("InvalidParameterCombination", "Max storage size must be greater than storage size")
		}
		user := aws.ToString(in.MasterUsername)
		if user == "" {
			return nil, errf("InvalidParameterValue", "The parameter MasterUsername must be provided and must not be blank.")
		}
		if len(user) > eng.maxUser || !rdsUserRE.MatchString(user) {
			return nil, errf("InvalidParameterValue", "The parameter MasterUsername is not a valid identifier. It must be 1 to %d letters, digits or underscores and begin with a letter.", eng.maxUser)
		}
		if rdsReserved[strings.ToLower(user)] {
			return nil, errf("InvalidParameterValue", "MasterUsername %s cannot be used as it is a reserved word used by the engine", user)
		}
		manage := aws.ToBool(in.ManageMasterUserPassword)
		switch {
		case manage && in.MasterUserPassword != nil:
			return nil, errf("InvalidParameterCombination", "You can't specify MasterUserPassword and ManageMasterUserPassword at the same time.")
		case !manage && in.MasterUserSecretKmsKeyId != nil:
			return nil, errf("InvalidParameterCombination", "You can't specify MasterUserSecretKmsKeyId unless ManageMasterUserPassword is enabled.")
		case !manage && in.MasterUserPassword == nil:
			return nil, errf("InvalidParameterValue", "The parameter MasterUserPassword must be provided and must not be blank.")
		case !manage:
			// Checked, then forgotten: the sandbox never stores it.
			if err := checkRDSPassword(engine, *in.MasterUserPassword); err != nil {
				return nil, err
			}
		}
		dbName := aws.ToString(in.DBName)
		if dbName != "" && (len(dbName) > 63 || !rdsDBNameRE.MatchString(dbName)) {
			return nil, errf("InvalidParameterValue", "The parameter DBName is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and underscores.")
		}
		backup := int32(1)
		if in.BackupRetentionPeriod != nil {
			backup = *in.BackupRetentionPeriod
		}
		if backup < 0 || backup > 35 {
			return nil, errf("InvalidParameterValue", "Invalid backup retention period: %d. Specify a value from 0 to 35 days.", backup)
		}
		port := eng.port
		if in.Port != nil {
			port = *in.Port
		}
		if port < 1150 || port > 65535 {
			return nil, errf("InvalidParameterValue", "Invalid port %d: the port must be from 1150 to 65535.", port)
		}
		// Network: the subnet group (or the default VPC's), security groups.
		var g *rdsSubnetGroup
		if n := aws.ToString(in.DBSubnetGroupName); n != "" && !strings.EqualFold(n, "default") {
			sg, err := t.subnetGroup(n)
			if err != nil {
				return nil, err
			}
			g = sg
		} else if g = t.defaultSubnetGroup(); g == nil {
			return nil, errf("InvalidVPCNetworkStateFault", "There is no default VPC in this region: specify a DB subnet group.")
		}
		sgs, err := t.rdsGroups(in.VpcSecurityGroupIds, g.VPC)
		if err != nil {
			return nil, err
		}
		public := g.Name == "default"
		if in.PubliclyAccessible != nil {
			public = *in.PubliclyAccessible
		}
		if public && !t.vpcHasIGW(g.VPC) {
			return nil, errf("InvalidVPCNetworkStateFault", "Cannot create a publicly accessible DBInstance. The specified VPC has no internet gateway attached.")
		}
		multi := aws.ToBool(in.MultiAZ)
		zone := aws.ToString(in.AvailabilityZone)
		if multi && zone != "" {
			return nil, errf("InvalidParameterCombination", "Requesting a specific availability zone is not valid for Multi-AZ instances.")
		}
		var subnets []*subnet
		for _, sid := range g.Subnets {
			if s := t.r.EC2.Subnets[sid]; s != nil {
				subnets = append(subnets, s)
			}
		}
		sort.Slice(subnets, func(i, j int) bool {
			if subnets[i].AZ != subnets[j].AZ {
				return subnets[i].AZ < subnets[j].AZ
			}
			return subnets[i].ID < subnets[j].ID
		})
		var primary, standby *subnet
		for _, s := range subnets {
			if primary == nil && (zone == "" || s.AZ == zone) {
				primary = s
			}
		}
		if primary == nil {
			if zone != "" {
				return nil, errf("InvalidParameterCombination", "No subnets in DB subnet group %s cover the requested Availability Zone %s.", g.Name, zone)
			}
			return nil, errf("InvalidVPCNetworkStateFault", "The DB subnet group %s has no subnets left.", g.Name)
		}
		if multi {
			for _, s := range subnets {
				if standby == nil && s.AZ != primary.AZ {
					standby = s
				}
			}
		}
		// Encryption.
		encrypted := aws.ToBool(in.StorageEncrypted)
		keyARN := ""
		if in.KmsKeyId != nil {
			if !encrypted {
				return nil, errf("InvalidParameterCombination", "KmsKeyId can only be specified when StorageEncrypted is true.")
			}
			if keyARN, err = t.rdsKey(*in.KmsKeyId); err != nil {
				return nil, err
			}
		} else if encrypted {
			keyARN = managedKeyARN(t, "rds")
		}
		tags, err := rdsTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		for _, ts := range in.TagSpecifications {
			more, err := rdsTagMap(ts.Tags)
			if err != nil {
				return nil, err
			}
			if rt := aws.ToString(ts.ResourceType); rt == "" || rt == "db" || rt == "auto-backup" {
				for k, v := range more {
					tags[k] = v
				}
			}
		}
		for _, l := range in.EnableCloudwatchLogsExports {
			if !map[string]bool{"postgresql": engine == "postgres", "upgrade": engine == "postgres", "audit": engine != "postgres",
				"error": engine != "postgres", "general": engine != "postgres", "slowquery": engine != "postgres", "iam-db-auth-error": true}[l] {
				return nil, errf("InvalidParameterCombination", "You cannot use the log types '%s' with engine version %s %s.", l, engine, version)
			}
		}
		db := &rdsInstance{Meta: Meta{ID: id, ARN: t.arn("rds", "db:"+id), Created: t.now},
			Class: class, Engine: engine, EngineVersion: version, License: eng.license,
			Storage: *in.AllocatedStorage, StorageType: stype, Iops: aws.ToInt32(in.Iops), MaxStorage: aws.ToInt32(in.MaxAllocatedStorage),
			DBName: dbName, Username: user, VPC: g.VPC, AZ: primary.AZ, SGs: sgs, Encrypted: encrypted, KMSKey: keyARN,
			Public: public, Port: port, BackupDays: backup, MultiAZ: multi, Protected: aws.ToBool(in.DeletionProtection),
			CopyTags: aws.ToBool(in.CopyTagsToSnapshot), AutoMinor: in.AutoMinorVersionUpgrade == nil || *in.AutoMinorVersionUpgrade,
			IAMAuth: aws.ToBool(in.EnableIAMDatabaseAuthentication), LogExports: append([]string(nil), in.EnableCloudwatchLogsExports...),
			ResourceID: "db-" + strings.ToUpper(lowerAlnum(26)), Host: rdsHost(t.account(), t.regionName()), Status: "creating"}
		if g.Name != "default" {
			db.SubnetGroup = g.Name
		}
		if stype == "gp3" {
			db.Throughput = 125
			if db.Iops == 0 {
				db.Iops = 3000
			}
		}
		if manage {
			db.SecretARN = t.arn("secretsmanager", "secret:rds!db-"+uuid()+"-"+lowerAlnum(6))
			db.SecretKey = managedKeyARN(t, "secretsmanager")
			if k := aws.ToString(in.MasterUserSecretKmsKeyId); k != "" {
				if db.SecretKey, err = t.rdsKey(k); err != nil {
					return nil, err
				}
			}
		}
		if standby != nil {
			db.SecondaryAZ = standby.AZ
		}
		if err := setRDSTags(&db.Meta, tags); err != nil {
			return nil, err
		}
		created := paceRDSAvailable * 3 / 5
		db.BackupAt = t.at(created)
		db.ReadyAt = t.at(paceRDSAvailable)
		if backup == 0 {
			db.ReadyAt = db.BackupAt
		}
		if _, err := t.newENI(primary, sgs, "RDSNetworkInterface", public, "amazon-rds", db.ARN, t.now); err != nil {
			return nil, err
		}
		if standby != nil {
			if _, err := t.newENI(standby, sgs, "RDSNetworkInterface", false, "amazon-rds", db.ARN, t.now); err != nil {
				return nil, err
			}
		}
		t.r.RDS.Instances[id] = db
		return &rds.CreateDBInstanceOutput{DBInstance: t.dbOut(db)}, nil
	})
}

func (t *tx) dbOut(db *rdsInstance) *rdstypes.DBInstance {
	major := rdsMajor(db.Engine, db.EngineVersion)
	out := &rdstypes.DBInstance{
		DBInstanceIdentifier: aws.String(db.ID), DBInstanceArn: aws.String(db.ARN), DBInstanceClass: aws.String(db.Class),
		Engine: aws.String(db.Engine), EngineVersion: aws.String(db.EngineVersion), DBInstanceStatus: aws.String(db.Status),
		MasterUsername: aws.String(db.Username), AllocatedStorage: aws.Int32(db.Storage), StorageType: aws.String(db.StorageType),
		AvailabilityZone: aws.String(db.AZ), PreferredBackupWindow: aws.String("03:00-03:30"),
		PreferredMaintenanceWindow: aws.String("sun:05:00-sun:05:30"), BackupRetentionPeriod: aws.Int32(db.BackupDays),
		MultiAZ: aws.Bool(db.MultiAZ), AutoMinorVersionUpgrade: aws.Bool(db.AutoMinor), PubliclyAccessible: aws.Bool(db.Public),
		StorageEncrypted: aws.Bool(db.Encrypted), DbiResourceId: aws.String(db.ResourceID), CACertificateIdentifier: aws.String("rds-ca-rsa2048-g1"),
		CopyTagsToSnapshot: aws.Bool(db.CopyTags), DeletionProtection: aws.Bool(db.Protected), DbInstancePort: aws.Int32(0),
		IAMDatabaseAuthenticationEnabled: aws.Bool(db.IAMAuth), PerformanceInsightsEnabled: aws.Bool(false),
		MonitoringInterval: aws.Int32(0), LicenseModel: aws.String(db.License), NetworkType: aws.String("IPV4"),
		CustomerOwnedIpEnabled: aws.Bool(false), DedicatedLogVolume: aws.Bool(false), MultiTenant: aws.Bool(false),
		BackupTarget: aws.String("region"), EngineLifecycleSupport: aws.String("open-source-rds-extended-support"),
		DBParameterGroups:      []rdstypes.DBParameterGroupStatus{{DBParameterGroupName: aws.String("default." + db.Engine + major), ParameterApplyStatus: aws.String("in-sync")}},
		OptionGroupMemberships: []rdstypes.OptionGroupMembership{{OptionGroupName: aws.String("default:" + db.Engine + "-" + strings.ReplaceAll(major, ".", "-")), Status: aws.String("in-sync")}},
		TagList:                rdsTagList(db.Tags), DBSecurityGroups: []rdstypes.DBSecurityGroupMembership{},
		ReadReplicaDBInstanceIdentifiers: []string{}, ReadReplicaDBClusterIdentifiers: []string{}, AssociatedRoles: []rdstypes.DBInstanceRole{},
		DomainMemberships: []rdstypes.DomainMembership{}, StatusInfos: []rdstypes.DBInstanceStatusInfo{},
		DBInstanceAutomatedBackupsReplications: []rdstypes.DBInstanceAutomatedBackupsReplication{},
		CertificateDetails: &rdstypes.CertificateDetails{CAIdentifier: aws.String("rds-ca-rsa2048-g1"),
			ValidTill: aws.Time(t.st.Created.AddDate(1, 0, 0).Truncate(time.Hour))},
	}
	if db.DBName != "" {
		out.DBName = aws.String(db.DBName)
	}
	if db.Encrypted {
		out.KmsKeyId = aws.String(db.KMSKey)
	}
	if db.Iops != 0 {
		out.Iops = aws.Int32(db.Iops)
	}
	if db.Throughput != 0 {
		out.StorageThroughput = aws.Int32(db.Throughput)
	}
	if db.MaxStorage != 0 {
		out.MaxAllocatedStorage = aws.Int32(db.MaxStorage)
	}
	if len(db.LogExports) > 0 {
		out.EnabledCloudwatchLogsExports = append([]string(nil), db.LogExports...)
	}
	if db.SecondaryAZ != "" {
		out.SecondaryAvailabilityZone = aws.String(db.SecondaryAZ)
	}
	if db.SecretARN != "" {
		out.MasterUserSecret = &rdstypes.MasterUserSecret{SecretArn: aws.String(db.SecretARN), SecretStatus: aws.String("active"), KmsKeyId: aws.String(db.SecretKey)}
	}
	if !db.CreateTime.IsZero() {
		out.InstanceCreateTime = tp(db.CreateTime)
	}
	if db.Status != "creating" {
		zoneHost := rdsZoneHosts[t.regionName()]
		if zoneHost == "" {
			zoneHost = "Z2R2ITUGPM61AM"
		}
		out.Endpoint = &rdstypes.Endpoint{Address: aws.String(db.ID + "." + db.Host + "." + t.regionName() + ".rds.amazonaws.com"),
			Port: aws.Int32(db.Port), HostedZoneId: aws.String(zoneHost)}
		if db.BackupDays > 0 && db.Status != "backing-up" {
			out.LatestRestorableTime = tp(t.now.Add(-5 * time.Minute).Truncate(time.Second))
			if out.LatestRestorableTime.Before(db.ReadyAt) {
				out.LatestRestorableTime = tp(db.ReadyAt)
			}
		}
	}
	for _, id := range db.SGs {
		out.VpcSecurityGroups = append(out.VpcSecurityGroups, rdstypes.VpcSecurityGroupMembership{VpcSecurityGroupId: aws.String(id), Status: aws.String("active")})
	}
	if db.SubnetGroup != "" {
		if g := t.r.RDS.SubnetGroups[db.SubnetGroup]; g != nil {
			out.DBSubnetGroup = t.subnetGroupOut(g)
		}
	} else if g := t.defaultSubnetGroup(); g != nil {
		out.DBSubnetGroup = t.subnetGroupOut(g)
	}
	pm := &rdstypes.PendingModifiedValues{}
	if p := db.Pending; !p.empty() {
		if p.Class != "" {
			pm.DBInstanceClass = aws.String(p.Class)
		}
		if p.Storage != 0 {
			pm.AllocatedStorage = aws.Int32(p.Storage)
		}
		if p.StorageType != "" {
			pm.StorageType = aws.String(p.StorageType)
		}
		if p.Iops != 0 {
			pm.Iops = aws.Int32(p.Iops)
		}
		if p.Port != 0 {
			pm.Port = aws.Int32(p.Port)
		}
		if p.MultiAZ != nil {
			pm.MultiAZ = aws.Bool(*p.MultiAZ)
		}
		if p.Version != "" {
			pm.EngineVersion = aws.String(p.Version)
		}
		if p.Password {
			pm.MasterUserPassword = aws.String("****")
		}
	}
	out.PendingModifiedValues = pm
	return out
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

// applyPending applies what modifying was for: the password always, the
// rest when ApplyImmediately asked for it.
func (db *rdsInstance) applyPending() {
	p := db.Pending
	if p == nil {
		return
	}
	p.Password = false
	if !p.Apply {
		if p.empty() {
			db.Pending = nil
		}
		return
	}
	if p.Class != "" {
		db.Class = p.Class
	}
	if p.Storage != 0 {
		db.Storage = p.Storage
	}
	if p.StorageType != "" {
		db.StorageType = p.StorageType
		if p.StorageType != "gp3" {
			db.Throughput = 0
		} else if db.Throughput == 0 {
			db.Throughput = 125
		}
	}
	if p.Iops != 0 {
		db.Iops = p.Iops
	}
	if p.Port != 0 {
		db.Port = p.Port
	}
	if p.MultiAZ != nil {
		db.MultiAZ = *p.MultiAZ
	}
	if p.Version != "" {
		db.EngineVersion = p.Version
	}
	db.Pending = nil
}

func (a *rdsAPI) ModifyDBInstance(ctx context.Context, in *rds.ModifyDBInstanceInput, _ ...func(*rds.Options)) (*rds.ModifyDBInstanceOutput, error) {
	return call(ctx, a.s, svcRDS, "ModifyDBInstance", func(t *tx) (*rds.ModifyDBInstanceOutput, error) {
		db, err := t.dbInstance(aws.ToString(in.DBInstanceIdentifier))
		if err != nil {
			return nil, err
		}
		if db.Status != "available" {
			return nil, &rdstypes.InvalidDBInstanceStateFault{Message: aws.String("Database instance is not in available state.")}
		}
		if in.NewDBInstanceIdentifier != nil && !strings.EqualFold(*in.NewDBInstanceIdentifier, db.ID) {
			return nil, errf("InvalidParameterCombination", "Renaming a DB instance is not supported by the sandbox.")
		}
		if n := aws.ToString(in.DBSubnetGroupName); n != "" && strings.ToLower(n) != db.SubnetGroup {
			return nil, errf("InvalidParameterCombination", "Moving a DB instance to another DB subnet group is not supported by the sandbox.")
		}
		if in.Engine != nil && *in.Engine != db.Engine {
			return nil, errf("InvalidParameterCombination", "Cannot modify engine from %s to %s.", db.Engine, *in.Engine)
		}
		p := &rdsPend{}
		if db.Pending != nil {
			cp := *db.Pending
			p = &cp
		}
		changed, fast := false, false // fast: applied at once, whatever ApplyImmediately says
		if c := aws.ToString(in.DBInstanceClass); c != "" && c != db.Class {
			if m := rdsClassRE.FindStringSubmatch(c); m == nil || ((m[2] == "micro" || m[2] == "small") && !strings.HasPrefix(m[1], "t")) {
				return nil, errf("InvalidParameterCombination", "RDS does not support creating a DB instance with the following combination: DBInstanceClass=%s, Engine=%s, EngineVersion=%s, LicenseModel=%s. For supported combinations of instance class and database engine version, see the documentation.", c, db.Engine, db.EngineVersion, db.License)
			}
			p.Class, changed = c, true
		}
		stype := db.StorageType
		if s := aws.ToString(in.StorageType); s != "" && s != db.StorageType {
			stype, p.StorageType, changed = s, s, true
		}
		gib := db.Storage
		if in.AllocatedStorage != nil && *in.AllocatedStorage != db.Storage {
			if *in.AllocatedStorage < db.Storage {
				return nil, errf("InvalidParameterCombination", "Invalid storage size for engine name %s and storage type %s: %d. You can't decrease the allocated storage of a DB instance.", db.Engine, stype, *in.AllocatedStorage)
			}
			if *in.AllocatedStorage < db.Storage*11/10 {
				return nil, errf("InvalidParameterCombination", "The allocated storage must be increased by at least 10 %%.")
			}
			gib, p.Storage, changed = *in.AllocatedStorage, *in.AllocatedStorage, true
		}
		iops := db.Iops
		if in.Iops != nil && *in.Iops != db.Iops {
			iops, p.Iops, changed = *in.Iops, *in.Iops, true
		}
		if stype != db.StorageType || gib != db.Storage {
			if stype != "io1" && stype != "io2" && stype != "gp3" {
				iops = 0
			}
			if err := checkRDSStorage(db.Engine, stype, gib, iops); err != nil {
				return nil, err
			}
		}
		if in.DBPortNumber != nil && *in.DBPortNumber != db.Port {
			if *in.DBPortNumber < 1150 || *in.DBPortNumber > 65535 {
				return nil, errf("InvalidParameterValue", "Invalid port %d: the port must be from 1150 to 65535.", *in.DBPortNumber)
			}
			p.Port, changed = *in.DBPortNumber, true
		}
		if in.MultiAZ != nil && *in.MultiAZ != db.MultiAZ {
			v := *in.MultiAZ
			p.MultiAZ, changed = &v, true
		}
		if v := aws.ToString(in.EngineVersion); v != "" && v != db.EngineVersion {
			eng := rdsEngines[db.Engine]
			if full, ok := eng.versions[v]; ok {
				v = full
			} else if _, ok := eng.versions[rdsMajor(db.Engine, v)]; !ok {
				return nil, errf("InvalidParameterCombination", "Cannot find upgrade path from %s to %s.", db.EngineVersion, v)
			}
			if rdsMajor(db.Engine, v) != rdsMajor(db.Engine, db.EngineVersion) && !aws.ToBool(in.AllowMajorVersionUpgrade) {
				return nil, errf("InvalidParameterCombination", "The AllowMajorVersionUpgrade flag must be present when upgrading to a new major version.")
			}
			p.Version, changed = v, true
		}
		if in.MasterUserPassword != nil {
			if db.SecretARN != "" {
				return nil, errf("InvalidParameterCombination", "You can't specify MasterUserPassword for an instance with ManageMasterUserPassword enabled.")
			}
			if err := checkRDSPassword(db.Engine, *in.MasterUserPassword); err != nil {
				return nil, err
			}
			// The password itself goes nowhere; only that a change is pending.
			p.Password, changed = true, true
		}
		// Applied at once, whatever ApplyImmediately says.
		if in.BackupRetentionPeriod != nil && *in.BackupRetentionPeriod != db.BackupDays {
			if *in.BackupRetentionPeriod < 0 || *in.BackupRetentionPeriod > 35 {
				return nil, errf("InvalidParameterValue", "Invalid backup retention period: %d. Specify a value from 0 to 35 days.", *in.BackupRetentionPeriod)
			}
			db.BackupDays, changed, fast = *in.BackupRetentionPeriod, true, true
		}
		if in.VpcSecurityGroupIds != nil {
			sgs, err := t.rdsGroups(in.VpcSecurityGroupIds, db.VPC)
			if err != nil {
				return nil, err
			}
			if strings.Join(sgs, ",") != strings.Join(db.SGs, ",") {
				db.SGs, changed, fast = sgs, true, true
				t.setENIGroups(db.ARN, sgs)
			}
		}
		if in.PubliclyAccessible != nil && *in.PubliclyAccessible != db.Public {
			if *in.PubliclyAccessible && !t.vpcHasIGW(db.VPC) {
				return nil, errf("InvalidVPCNetworkStateFault", "Cannot modify a publicly accessible DBInstance. The specified VPC has no internet gateway attached.")
			}
			db.Public, changed, fast = *in.PubliclyAccessible, true, true
			for _, id := range sortedKeys(t.r.EC2.ENIs) {
				if e := t.r.EC2.ENIs[id]; e.Owner == db.ARN && e.AZ == db.AZ && e.ReleaseAt.IsZero() {
					e.PublicIP = ""
					if db.Public {
						e.PublicIP = publicIP()
					}
				}
			}
		}
		if in.DeletionProtection != nil && *in.DeletionProtection != db.Protected {
			db.Protected, changed = *in.DeletionProtection, true
		}
		if in.CopyTagsToSnapshot != nil && *in.CopyTagsToSnapshot != db.CopyTags {
			db.CopyTags, changed = *in.CopyTagsToSnapshot, true
		}
		if in.AutoMinorVersionUpgrade != nil && *in.AutoMinorVersionUpgrade != db.AutoMinor {
			db.AutoMinor, changed = *in.AutoMinorVersionUpgrade, true
		}
		if in.EnableIAMDatabaseAuthentication != nil && *in.EnableIAMDatabaseAuthentication != db.IAMAuth {
			db.IAMAuth, changed = *in.EnableIAMDatabaseAuthentication, true
		}
		if in.MaxAllocatedStorage != nil && *in.MaxAllocatedStorage != db.MaxStorage {
			if *in.MaxAllocatedStorage != 0 && *in.MaxAllocatedStorage < db.Storage {
				return nil, errf("InvalidParameterCombination", "Max storage size must be greater than storage size")
			}
			db.MaxStorage, changed = *in.MaxAllocatedStorage, true
		}
		if !changed {
			return nil, errf("InvalidParameterCombination", "No modifications were requested")
		}
		now := aws.ToBool(in.ApplyImmediately)
		p.Apply = p.Apply || now
		db.Pending = p
		switch {
		case now || fast:
			db.Status, db.ModifyAt = "modifying", t.at(paceRDSModify)
		case p.Password:
			db.Status, db.ModifyAt = "resetting-master-credentials", t.at(paceRDSModify)
		}
		if db.Pending.empty() {
			db.Pending = nil
		}
		return &rds.ModifyDBInstanceOutput{DBInstance: t.dbOut(db)}, nil
	})
}

func (a *rdsAPI) DeleteDBInstance(ctx context.Context, in *rds.DeleteDBInstanceInput, _ ...func(*rds.Options)) (*rds.DeleteDBInstanceOutput, error) {
	return call(ctx, a.s, svcRDS, "DeleteDBInstance", func(t *tx) (*rds.DeleteDBInstanceOutput, error) {
		db, err := t.dbInstance(aws.ToString(in.DBInstanceIdentifier))
		if err != nil {
			return nil, err
		}
		skip := aws.ToBool(in.SkipFinalSnapshot)
		final := aws.ToString(in.FinalDBSnapshotIdentifier)
		switch {
		case skip && final != "":
			return nil, errf("InvalidParameterCombination", "Cannot specify both FinalDBSnapshotIdentifier and SkipFinalSnapshot.")
		case !skip && final == "":
			return nil, errf("InvalidParameterCombination", "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.")
		case !skip && !rdsIdentRE.MatchString(final):
			return nil, errf("InvalidParameterValue", "The parameter FinalDBSnapshotIdentifier is not a valid identifier.")
		}
		if db.Status == "deleting" {
			return nil, &rdstypes.InvalidDBInstanceStateFault{Message: aws.String("Instance " + db.ID + " is already being deleted.")}
		}
		if db.Protected {
			return nil, errf("InvalidParameterCombination", "Cannot delete protected DB Instance, please disable deletion protection and try again.")
		}
		if !skip && db.Status == "creating" {
			return nil, &rdstypes.InvalidDBInstanceStateFault{Message: aws.String("Instance " + db.ID + " is currently creating - a final snapshot cannot be taken.")}
		}
		db.Status, db.GoneAt, db.ModifyAt = "deleting", t.at(paceRDSDelete), time.Time{}
		return &rds.DeleteDBInstanceOutput{DBInstance: t.dbOut(db)}, nil
	})
}

var rdsFilterNames = map[string]bool{"db-instance-id": true, "engine": true, "db-cluster-id": true, "dbi-resource-id": true, "domain": true}

func (a *rdsAPI) DescribeDBInstances(ctx context.Context, in *rds.DescribeDBInstancesInput, _ ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error) {
	return call(ctx, a.s, svcRDS, "DescribeDBInstances", func(t *tx) (*rds.DescribeDBInstancesOutput, error) {
		limit, err := rdsMaxRecords(in.MaxRecords)
		if err != nil {
			return nil, err
		}
		for _, f := range in.Filters {
			if !rdsFilterNames[aws.ToString(f.Name)] {
				return nil, errf("InvalidParameterValue", "Unrecognized filter name: %s", aws.ToString(f.Name))
			}
		}
		var dbs []*rdsInstance
		if id := aws.ToString(in.DBInstanceIdentifier); id != "" {
			db, err := t.dbInstance(id)
			if err != nil {
				return nil, err
			}
			dbs = append(dbs, db)
		} else {
			for _, k := range sortedKeys(t.r.RDS.Instances) {
				if db := t.r.RDS.Instances[k]; !t.hidden(db.Created) {
					dbs = append(dbs, db)
				}
			}
		}
		var all []rdstypes.DBInstance
		for _, db := range dbs {
			if !rdsFiltersMatch(in.Filters, db) {
				continue
			}
			all = append(all, *t.dbOut(db))
		}
		items, next, err := page(all, in.Marker, limit)
		if err != nil {
			return nil, errf("InvalidParameterValue", "The marker is not valid.")
		}
		return &rds.DescribeDBInstancesOutput{DBInstances: items, Marker: next}, nil
	})
}

func rdsFiltersMatch(fs []rdstypes.Filter, db *rdsInstance) bool {
	for _, f := range fs {
		var have []string
		switch aws.ToString(f.Name) {
		case "db-instance-id":
			have = []string{db.ID, db.ARN}
		case "engine":
			have = []string{db.Engine}
		case "dbi-resource-id":
			have = []string{db.ResourceID}
		}
		ok := false
		for _, v := range f.Values {
			for _, h := range have {
				if v == h {
					ok = true
				}
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// rdsMeta finds the taggable RDS resource an ARN names.
func (t *tx) rdsMeta(ref string) (*Meta, error) {
	p, ok := parseARN(ref)
	if !ok || p.Service != "rds" {
		return nil, errf("InvalidParameterValue", "The specified resource name does not match an RDS resource in this region.")
	}
	if p.Region != t.regionName() || p.Account != t.account() {
		return nil, errf("InvalidParameterValue", "The specified resource name does not match an RDS resource in this region.")
	}
	kind, name, _ := strings.Cut(p.Resource, ":")
	switch kind {
	case "db":
		db, err := t.dbInstance(name)
		if err != nil {
			return nil, err
		}
		return &db.Meta, nil
	case "subgrp":
		g, err := t.subnetGroup(name)
		if err != nil {
			return nil, err
		}
		return &g.Meta, nil
	}
	return nil, errf("InvalidParameterValue", "Unsupported resource type %q in %s for the sandbox (db and subgrp are).", kind, ref)
}

func (a *rdsAPI) AddTagsToResource(ctx context.Context, in *rds.AddTagsToResourceInput, _ ...func(*rds.Options)) (*rds.AddTagsToResourceOutput, error) {
	return call(ctx, a.s, svcRDS, "AddTagsToResource", func(t *tx) (*rds.AddTagsToResourceOutput, error) {
		m, err := t.rdsMeta(aws.ToString(in.ResourceName))
		if err != nil {
			return nil, err
		}
		tags, err := rdsTagMap(in.Tags)
		if err != nil {
			return nil, err
		}
		if err := setRDSTags(m, tags); err != nil {
			return nil, err
		}
		return &rds.AddTagsToResourceOutput{}, nil
	})
}

func (a *rdsAPI) ListTagsForResource(ctx context.Context, in *rds.ListTagsForResourceInput, _ ...func(*rds.Options)) (*rds.ListTagsForResourceOutput, error) {
	return call(ctx, a.s, svcRDS, "ListTagsForResource", func(t *tx) (*rds.ListTagsForResourceOutput, error) {
		m, err := t.rdsMeta(aws.ToString(in.ResourceName))
		if err != nil {
			return nil, err
		}
		return &rds.ListTagsForResourceOutput{TagList: rdsTagList(m.Tags)}, nil
	})
}
