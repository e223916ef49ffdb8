package sandbox

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

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
		db := &rdsInstance{Meta: Meta{ID: id, ARN: t.rdsARN(rdsTypeDB, id), Created: t.now},
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
			db.SecretARN = t.secretARN("rds!db-" + uuid() + "-" + lowerAlnum(6))
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
		TagList:                tagList(db.Tags, rdsTag), DBSecurityGroups: []rdstypes.DBSecurityGroupMembership{},
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
		out.Endpoint = &rdstypes.Endpoint{Address: aws.String(t.rdsAddress(db)),
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
		gone := t.at(paceRDSDelete)
		if !skip {
			// Taken as the instance goes, and kept after it: what a person
			// restores from.
			if err := t.takeFinalSnapshot(db, final, gone); err != nil {
				return nil, err
			}
		}
		db.Status, db.GoneAt, db.ModifyAt = "deleting", gone, time.Time{}
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

// rdsAddress is the DNS name of an instance's endpoint, as RDS spells it.
func (t *tx) rdsAddress(db *rdsInstance) string {
	return db.ID + "." + db.Host + "." + t.regionName() + ".rds.amazonaws.com"
}
