"""A password hasher that counts its work, to show two paths hash alike."""

from django.contrib.auth.hashers import MD5PasswordHasher


class CountingHasher(MD5PasswordHasher):
    algorithm = "counting-md5"
    encoded = 0  # passwords hashed since the test reset it

    def encode(self, password, salt):
        CountingHasher.encoded += 1
        return super().encode(password, salt)
