"""Access control: IAM principals and policies, STS sessions, and AWS's evaluation logic."""
