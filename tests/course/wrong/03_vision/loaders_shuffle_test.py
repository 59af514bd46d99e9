# notebook: vision.ipynb
# cell: make_loaders
# loses: test_make_loaders, test_make_loaders_values
# why: shuffles the test loader too, so prediction i no longer belongs to test image i
def make_loaders(train_data, test_data, batch_size, seed=0):
    generator = torch.Generator().manual_seed(seed)
    train_loader = DataLoader(train_data, batch_size=batch_size, shuffle=True, generator=generator)
    test_loader = DataLoader(test_data, batch_size=batch_size, shuffle=True, generator=generator)
    return train_loader, test_loader
