//! Handlers for campaign sftp.
