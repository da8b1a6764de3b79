//! A reader for the few `compact-encoding` forms that manifests and multisig
//! signatures use. Every read is bounds-checked; malformed input is an error.

/// Why bytes could not be read as compact-encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompactError {
	/// The input ended before the value did.
	Truncated,
	/// A length or number is larger than this reader accepts.
	TooLarge,
	/// Bytes were left over after the last field.
	TrailingBytes,
}

/// A cursor over compact-encoded bytes.
pub struct Reader<'a> {
	bytes: &'a [u8],
}

impl<'a> Reader<'a> {
	/// Starts reading at the beginning of `bytes`.
	pub fn new(bytes: &'a [u8]) -> Self {
		Self { bytes }
	}

	/// `compact-encoding` `uint`: one byte up to 0xfc, else a 0xfd/0xfe/0xff
	/// prefix and a little-endian u16/u32/u64.
	pub fn uint(&mut self) -> Result<u64, CompactError> {
		let [first] = self.fixed::<1>()?;
		Ok(match first {
			0xfd => u16::from_le_bytes(self.fixed()?) as u64,
			0xfe => u32::from_le_bytes(self.fixed()?) as u64,
			0xff => u64::from_le_bytes(self.fixed()?),
			small => small as u64,
		})
	}

	/// A `uint` used as a count of items of at least `item_size` bytes each,
	/// refused when the remaining input cannot hold that many.
	pub fn count(&mut self, item_size: usize) -> Result<usize, CompactError> {
		let n = self.uint()?;
		let n = usize::try_from(n).map_err(|_| CompactError::TooLarge)?;
		if n.saturating_mul(item_size.max(1)) > self.bytes.len() {
			return Err(CompactError::Truncated);
		}
		Ok(n)
	}

	/// `N` raw bytes (`fixed32`, `fixed64`).
	pub fn fixed<const N: usize>(&mut self) -> Result<[u8; N], CompactError> {
		let (head, rest) = self.bytes.split_at_checked(N).ok_or(CompactError::Truncated)?;
		self.bytes = rest;
		let mut out = [0u8; N];
		out.copy_from_slice(head);
		Ok(out)
	}

	/// `buffer`: a `uint` length and that many bytes.
	pub fn buffer(&mut self) -> Result<&'a [u8], CompactError> {
		let n = self.count(1)?;
		let (head, rest) = self.bytes.split_at_checked(n).ok_or(CompactError::Truncated)?;
		self.bytes = rest;
		Ok(head)
	}

	/// Succeeds only when every byte was read.
	pub fn finish(self) -> Result<(), CompactError> {
		if self.bytes.is_empty() {
			Ok(())
		} else {
			Err(CompactError::TrailingBytes)
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn uint_reads_every_width() {
		assert_eq!(Reader::new(&[0x05]).uint(), Ok(5));
		assert_eq!(Reader::new(&[0xfc]).uint(), Ok(0xfc));
		assert_eq!(Reader::new(&[0xfd, 0x34, 0x12]).uint(), Ok(0x1234));
		assert_eq!(Reader::new(&[0xfe, 1, 0, 0, 1]).uint(), Ok(0x0100_0001));
		assert_eq!(Reader::new(&[0xff, 1, 0, 0, 0, 0, 0, 0, 2]).uint(), Ok(0x0200_0000_0000_0001));
		assert_eq!(Reader::new(&[0xfd, 0x34]).uint(), Err(CompactError::Truncated));
		assert_eq!(Reader::new(&[]).uint(), Err(CompactError::Truncated));
	}

	#[test]
	fn counts_larger_than_the_input_are_refused() {
		assert_eq!(
			Reader::new(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).count(1),
			Err(CompactError::Truncated)
		);
		assert_eq!(Reader::new(&[3, 1, 2]).count(1), Err(CompactError::Truncated));
		assert_eq!(Reader::new(&[2, 1, 2]).buffer(), Ok(&[1u8, 2][..]));
	}

	#[test]
	fn finish_rejects_leftovers() {
		let mut r = Reader::new(&[1, 2]);
		assert_eq!(r.uint(), Ok(1));
		assert_eq!(r.finish(), Err(CompactError::TrailingBytes));
	}
}
