package engine

import (
	"fmt"
	"io/fs"

	"github.com/minimalinfra/mvi/assets"
	"github.com/minimalinfra/mvi/engine/arch"
	"github.com/pelletier/go-toml/v2"
)

// Prices is a dated price table (assets/prices/<region>.toml).
type Prices struct {
	Dated         string             `toml:"dated"`
	Region        string             `toml:"region"`
	HoursPerMonth float64            `toml:"hours_per_month"`
	EC2Hourly     map[string]float64 `toml:"ec2_hourly"`
	RDSHourly     map[string]float64 `toml:"rds_hourly"`
	// CacheHourly is per ElastiCache for Valkey node.
	CacheHourly map[string]float64 `toml:"elasticache_hourly"`
	Other       struct {
		PublicIPv4Hourly  float64 `toml:"public_ipv4_hourly"`
		EBSGp3GBMonth     float64 `toml:"ebs_gp3_gb_month"`
		ALBHourly         float64 `toml:"alb_hourly"`
		ALBLCUHourly      float64 `toml:"alb_lcu_hourly"`
		RDSStorageGBMonth float64 `toml:"rds_storage_gb_month"`
		// RDSSnapshotGBMonth is what a kept final snapshot costs.
		RDSSnapshotGBMonth float64 `toml:"rds_snapshot_gb_month"`
		EFSGBMonth         float64 `toml:"efs_gb_month"`
		KMSKeyMonth        float64 `toml:"kms_key_month"`
		AlarmMonth         float64 `toml:"alarm_month"`
		// A Route 53 health check, and each option it is given.
		HealthCheckMonth       float64 `toml:"health_check_month"`
		HealthCheckOptionMonth float64 `toml:"health_check_option_month"`
		TopicMonth             float64 `toml:"topic_month"`
		DashboardMonth         float64 `toml:"dashboard_month"`
		LogsMonth              float64 `toml:"logs_month"`
		DynamoDBMonth          float64 `toml:"dynamodb_month"`
		S3Month                float64 `toml:"s3_month"`
		ECRMonth               float64 `toml:"ecr_month"`
	} `toml:"other"`
}

// LoadPrices reads the embedded table for a region, falling back to
// us-east-1's (prices elsewhere differ by a few percent; the plan says
// which table it used).
func LoadPrices(region string) (*Prices, error) {
	data, err := fs.ReadFile(assets.Prices, "prices/"+region+".toml")
	if err != nil {
		data, err = fs.ReadFile(assets.Prices, "prices/us-east-1.toml")
		if err != nil {
			return nil, fmt.Errorf("price table: %w", err)
		}
	}
	var p Prices
	if err := toml.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("price table: %w", err)
	}
	if p.HoursPerMonth == 0 {
		p.HoursPerMonth = 730
	}
	return &p, nil
}

// Monthly estimates one resource's monthly cost in USD. Unknown sizes cost
// what the table's nearest knowledge says: nothing, rather than a guess
// that looks precise.
func (p *Prices) Monthly(r arch.Resource, a arch.Architecture) float64 {
	h := p.HoursPerMonth
	o := p.Other
	switch props := r.Props.(type) {
	case arch.AutoScalingGroupProps:
		lt, _ := a.Get(props.LaunchTemplate)
		ltp, _ := lt.Props.(arch.LaunchTemplateProps)
		per := (p.EC2Hourly[ltp.InstanceType]+o.PublicIPv4Hourly)*h + float64(ltp.VolumeGiB)*o.EBSGp3GBMonth
		return float64(props.Desired) * per
	case arch.LoadBalancerProps:
		return (o.ALBHourly + o.ALBLCUHourly) * h
	case arch.DBInstanceProps:
		return p.RDSHourly[props.Class]*h + float64(props.StorageGiB)*o.RDSStorageGBMonth
	case arch.ReplicationGroupProps:
		return p.CacheHourly[props.NodeType] * h * float64(props.Nodes)
	case arch.FileSystemProps:
		return o.EFSGBMonth
	case arch.KeyProps:
		return o.KMSKeyMonth
	case arch.AlarmProps:
		return o.AlarmMonth
	case arch.SmokeCheckProps:
		c := o.HealthCheckMonth
		if props.Type == "HTTP_STR_MATCH" {
			c += o.HealthCheckOptionMonth
		}
		if props.Interval == 10 {
			c += o.HealthCheckOptionMonth
		}
		return c
	case arch.TopicProps:
		return o.TopicMonth
	case arch.DashboardProps:
		return o.DashboardMonth
	case arch.LogGroupProps:
		return o.LogsMonth
	case arch.TableProps:
		return o.DynamoDBMonth
	case arch.BucketProps:
		return o.S3Month
	case arch.RepositoryProps:
		return o.ECRMonth
	}
	return 0
}
